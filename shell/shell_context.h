#pragma once
// What a command handler sees: the output streams, the global flags and the cluster
// configuration, loaded on first use so that `help` and `--version` work even when the
// configuration is broken. Owned by the Shell; single-threaded.

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "config/cluster.h"
#include "security/bus_security.h"

namespace bc::shell {

class ShellContext {
 public:
  ShellContext(std::string base_dir, bool json, std::ostream& out, std::ostream& err);

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool json() const { return json_; }
  const std::string& base_dir() const { return base_dir_; }
  bool interactive() const { return interactive_; }
  void set_interactive(bool on) { interactive_ = on; }

  // The loaded configuration, or nullptr after printing its errors to err(). Warnings are
  // printed once per session. Loaded once; reload() forces a fresh read.
  const config::Cluster* cluster();
  void reload();
  // The configuration if it has been loaded successfully already; never loads or prints.
  const config::Cluster* cluster_if_loaded() const { return cluster_ ? &*cluster_ : nullptr; }

  // Prints "Error: <message>" to err() and returns 1, for handlers' early exits.
  int fail(std::string_view message);
  void warn(std::string_view message);

  // The ZeroMQ context of this shell process, created on first use.
  zmq::context_t& zmq();

  // The secret key this shell authenticates with: a key name or a file path (--key, else
  // $BROCLUSTER_KEY, else "admin").
  void set_key(std::string key) { key_ = std::move(key); }
  const std::string& key() const { return key_; }
  // The CURVE setup for the loaded configuration, loaded on first use (and again after
  // reload()). A setup that fails to load is returned "broken": every connection then
  // reports why. REQUIRES: cluster() succeeded.
  const security::BusSecurity* security();
  // Loads the setup afresh on next use (keys were just made).
  void forget_security() { security_.reset(); }

 private:
  std::string base_dir_;
  bool json_;
  bool interactive_ = false;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<config::Cluster> cluster_;
  bool load_failed_ = false;
  std::unique_ptr<zmq::context_t> zmq_;
  std::string key_ = "admin";
  std::optional<security::BusSecurity> security_;
};

}  // namespace bc::shell
