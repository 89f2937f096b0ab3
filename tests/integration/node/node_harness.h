#pragma once
// Test support for brocluster-node's integration tests: a BroBase of its own (NodeSite)
// whose cluster.cfg points PolicyDir at the source tree's policy/ and SitePolicyPath at a
// site/ dir the test writes, real brocluster-node processes (NodeRun) started with the
// environment a supervisor would give them and the readiness pipe on fd 3, and a client
// of the node control protocol (ControlClient). Everything is removed or killed on
// destruction, also when the test failed. Owned by one test thread.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "messages/request.h"
#include "net/request_mux.h"
#include "tests/support/run_process.h"

namespace bc::test {

// The node.cfg of a standalone node on the loopback interface.
inline constexpr const char* kStandaloneCfg =
    "[bro]\ntype=standalone\nhost=localhost\ninterface=lo\n";

// A port range of 20 for this test process, away from the ephemeral range, different for
// tests running in parallel (derived from the pid), and advancing on every call.
int node_port_base();

class NodeSite {
 public:
  // `node_cfg` is written to etc/node.cfg; `extra_options` are more cluster.cfg lines.
  NodeSite(const std::string& node_cfg, const std::vector<std::string>& extra_options = {});

  const std::string& base() const { return dir_.path(); }
  std::string spool(const std::string& node) const { return base() + "/spool/" + node; }
  int port_base() const { return port_base_; }
  // Writes base/site/<name> (site policy, found before the standard local/ samples).
  void write_site(const std::string& name, const std::string& text) const;
  void write(const std::string& relative, const std::string& text) const {
    dir_.write(relative, text);
  }

 private:
  TempDir dir_;
  int port_base_;
};

struct NodeStart {
  std::string node;
  std::string type;
  std::vector<std::string> args;                         // more command-line arguments ("-r", file)
  std::vector<std::pair<std::string, std::string>> env;  // more environment
  std::vector<std::string> wrapper;                      // run under this (e.g. ip netns exec ns)
};

class NodeRun {
 public:
  NodeRun(const NodeSite& site, NodeStart start);
  ~NodeRun();  // SIGKILL if still running
  NodeRun(const NodeRun&) = delete;
  NodeRun& operator=(const NodeRun&) = delete;

  // Reads the readiness pipe until "ready" (true) or EOF/timeout (false). Lines read so
  // far are in readiness_lines().
  bool wait_ready(Millis timeout = Millis(15000));
  const std::vector<std::string>& readiness_lines() const { return lines_; }
  // SIGTERM and wait for the exit; the exit code, -1 if it did not exit in time (it is
  // SIGKILLed then) or died of a signal.
  int terminate(Millis timeout = Millis(15000));
  // Waits for an exit without signalling.
  int wait_exit(Millis timeout);
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  std::string spool() const { return spool_; }
  std::string control() const { return "ipc://" + spool_ + "/.control"; }
  std::string out() const;
  std::string err() const;
  std::string status_file() const;
  std::string diagnostics() const;  // stdout, stderr, for assertion messages

 private:
  pid_t pid_ = 0;
  int pipe_ = -1;
  std::string spool_;
  std::string buffer_;
  std::vector<std::string> lines_;
};

// The node control protocol over its ipc socket, with a deadline on every call.
class ControlClient {
 public:
  explicit ControlClient(const std::string& endpoint);
  msg::Reply call(const std::string& cmd, msg::Value args = msg::Value::empty_map(),
                  Millis timeout = Millis(10000));
  // print <id>: the value text, or "error: <message>".
  std::string print(const std::string& id);
  zmq::socket_t& socket() { return mux_->socket(kNode); }

 private:
  static constexpr const char* kNode = "node";
  zmq::context_t ctx_;
  SystemClock clock_;
  std::unique_ptr<net::RequestMux> mux_;
};

// The brocluster-node executable of the build.
std::string node_binary();
// A pcap file under dir, written from a builder; returns its path.
std::string write_pcap(const std::string& path, const std::string& bytes);
// Columns of a log, through Debian's bro-cut (the test of "existing tools read it"):
// one vector per record.
std::vector<std::vector<std::string>> bro_cut(const std::string& log,
                                              const std::vector<std::string>& columns);
// Data lines of a log (no # lines).
std::vector<std::string> data_lines(const std::string& log);

}  // namespace bc::test
