#pragma once
// What a command handler sees: the output streams, the global flags and the cluster
// configuration, loaded on first use so that `help` and `--version` work even when the
// configuration is broken. Owned by the Shell; single-threaded.

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/status.h"
#include "config/cluster.h"
#include "security/bus_security.h"
#include "shell/watched_stream.h"

namespace bc::shell {

class ShellContext {
 public:
  ShellContext(std::string base_dir, bool json, std::ostream& out, std::ostream& err);
  ShellContext(const ShellContext&) = delete;
  ShellContext& operator=(const ShellContext&) = delete;

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

  // Prints "Error: <message>" to err() and returns 1, for handlers' early exits. The
  // error is remembered for the command's --json error document (finish_command).
  int fail(std::string_view message);
  int fail(const Status& status);
  void warn(std::string_view message);

  // Around each command (Shell::dispatch): with --json, a command that printed nothing on
  // stdout gets exactly one document there: {"error": {code, message}} when it failed
  // (its errors, else what it wrote on stderr), {"ok": true} when it succeeded. Returns rc.
  void begin_command();
  int finish_command(int rc);
  // Runs `command` with out() writing into `captured` instead, and returns its exit code:
  // how a command made of others (deploy) joins their documents into its one.
  int capture_out(const std::function<int()>& command, std::string& captured);

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
  // out_ and err_ write through watches to the streams given.
  WatchedStreambuf out_watch_;
  WatchedStreambuf err_watch_;
  std::ostream out_;
  std::ostream err_;
  std::vector<Status> errors_;  // fail()s of the current command
  std::optional<config::Cluster> cluster_;
  bool load_failed_ = false;
  std::unique_ptr<zmq::context_t> zmq_;
  std::string key_ = "admin";
  std::optional<security::BusSecurity> security_;
};

}  // namespace bc::shell
