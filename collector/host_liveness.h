#pragma once
// Whether each host, and the event bus itself, are alive, judged from what the collector
// hears: supervisors' heartbeats on the bus, any message at all on the bus (the broker's
// and the collector's own heartbeats at least), and answers straight from a supervisor.
// Pure logic over the injected clock; the collector acts on its verdicts (alerts, mail).
//
// It must not cry wolf (docs/DECISIONS.md, "Host liveness"):
// - The collector's own stall is nobody's silence. A check later than HostTimeout after
//   the previous one means the collector was late (SIGSTOP, a starved CPU): every host
//   and the bus get a fresh grace. A shorter lateness is credited to them.
// - A silent bus is one verdict, not one per host. While the bus has been quiet for
//   longer than a heartbeat or two, no host is judged by its heartbeats; quiet for
//   HostTimeout, the bus is down, and hosts are judged by direct answers (the collector
//   pings them, ping_due()) from a fresh grace. When the bus carries anything again it is
//   up, and heartbeats rule again, from a fresh grace.
// - Verdicts are split in two so that the caller can read what waits on its sockets in
//   between: due() says a verdict may be near, verdicts() gives them.
// Owned by the collector's event loop thread.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace bc::collector {

class HostLiveness {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Settings {
    Millis host_timeout{3000};        // HostTimeout
    Millis heartbeat_interval{1000};  // HeartbeatInterval: of the supervisors and the broker
    Millis check_interval{100};       // how often the caller calls check()
  };
  struct Verdicts {
    bool bus_down = false;
    std::vector<std::string> hosts_down;
    bool empty() const { return !bus_down && hosts_down.empty(); }
  };

  // Every host starts up, with a grace of HostTimeout from now.
  HostLiveness(const Clock& clock, Settings settings, const std::vector<std::string>& hosts);

  // The hosts of a new configuration: new ones start up with a fresh grace, the others
  // keep their state.
  void set_hosts(const std::vector<std::string>& hosts);

  // What was heard. Each returns true when it brings back what was down (a host, the bus):
  // the caller announces it.
  bool heard_heartbeat(const std::string& host);
  bool heard_directly(const std::string& host);
  bool heard_bus();

  // Called every check_interval, first thing. Returns how late the collector was when this
  // check came more than HostTimeout after the previous one (every grace restarted then).
  std::optional<Millis> check();
  // Whether verdicts() could declare something down now.
  bool due() const;
  // Declares down (and marks so) what has been silent too long.
  Verdicts verdicts();

  // While the bus is down: the hosts to ping now (each every heartbeat interval). The
  // caller sends a ping and reports an answer with heard_directly().
  std::vector<std::string> ping_due();

  bool bus_up() const { return bus_up_; }
  bool host_up(const std::string& host) const;
  // How long `host` (or the bus) has been silent, for the alert's text.
  Millis silence(const std::string& host) const;
  Millis bus_silence() const;
  // The bus has carried nothing for a heartbeat or two: hosts are not judged by heartbeats.
  bool bus_quiet() const;

 private:
  struct Host {
    bool up = true;
    TimePoint last_heard{};  // a heartbeat, a direct answer, or the start of a grace
    TimePoint last_ping{};
  };
  void fresh_grace(TimePoint now);
  bool overdue(const Host& h, TimePoint now) const;
  Millis quiet_after() const;

  const Clock& clock_;
  Settings settings_;
  std::map<std::string, Host> hosts_;
  bool bus_up_ = true;
  TimePoint bus_last_{};
  TimePoint last_check_{};
};

}  // namespace bc::collector
