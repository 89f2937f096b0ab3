// The collector's watch on hosts and on the event bus: acts on HostLiveness's verdicts
// (host_liveness.h) with alerts, stats.log actions and mail; reads what waits on its
// sockets before any verdict; pings the supervisors while the bus is down.

#include <spdlog/spdlog.h>

#include "collector/collector.h"

namespace bc::collector {
namespace {

// A drain reads at most this many rounds of 256 bus messages (and every reply waiting):
// with a fake clock its time bound never passes.
constexpr int kMaxDrainRounds = 400;

}  // namespace

void Collector::check_hosts() {
  if (auto late = liveness_.check()) {
    spdlog::warn(
        "collector was late: {} ms between two host checks (HostTimeout {} ms); "
        "every host gets a fresh grace, no host is judged by that silence",
        late->count(), options_.host_timeout.count());
  }
  // A heartbeat waiting on our socket is no silence: read everything first.
  if (liveness_.due()) drain_sockets();
  if (liveness_.due()) {
    const HostLiveness::Verdicts v = liveness_.verdicts();
    if (v.bus_down) bus_down();
    for (const std::string& name : v.hosts_down) {
      if (HostView* host = view_.host(name)) host_down(*host);
    }
  }
  for (const std::string& host : liveness_.ping_due())
    ping_host(host);
  timers_.schedule(clock_.now() + kHostCheck, [this] { check_hosts(); });
}

void Collector::drain_sockets() {
  // Bounded, so that a flood cannot hold the loop: what is left is read by the next turns,
  // and the verdict it would have changed is then taken with it read.
  const auto until = clock_.now() + options_.host_timeout / 4;
  for (int round = 0; round < kMaxDrainRounds && clock_.now() < until; ++round) {
    std::vector<zmq::pollitem_t> items = {{sub_.handle(), 0, ZMQ_POLLIN, 0}};
    const auto supervisors = requests_.sockets();
    for (const auto& [host, socket] : supervisors)
      items.push_back({socket->handle(), 0, ZMQ_POLLIN, 0});
    try {
      if (zmq::poll(items.data(), items.size(), std::chrono::milliseconds(0)) == 0) return;
    } catch (const zmq::error_t&) {
      return;  // EINTR: the loop's own poll deals with it
    }
    for (std::size_t i = 0; i < supervisors.size(); ++i) {
      if (items[i + 1].revents & ZMQ_POLLIN) heard_from_supervisor(supervisors[i].first);
    }
    if (items[0].revents & ZMQ_POLLIN) (void)on_bus();
  }
}

void Collector::heard_from_supervisor(const std::string& host) {
  // Any answer proves the supervisor alive, with or without the bus.
  if (liveness_.heard_directly(host)) {
    if (HostView* h = view_.host(host); h != nullptr && !h->up) host_up(*h);
  }
  requests_.read(host);
}

void Collector::ping_host(const std::string& host) {
  // The answer is noted by heard_from_supervisor(); a missing one is the verdict's business.
  (void)requests_.send(host, "ping", msg::Value::empty_map(), options_.host_timeout,
                       [](const Result<msg::Reply>&) {});
}

void Collector::bus_down() {
  const std::string message = "the event bus (" + options_.bus_out + ") carried nothing for " +
                              std::to_string(liveness_.bus_silence().count()) +
                              " ms, not even the broker's heartbeat; hosts are watched by "
                              "direct pings and crashes by the supervisors' answers until it "
                              "is back";
  spdlog::warn("{}", message);
  alert(msg::kAlertBusDown, "error", message, options_.host);
  action(options_.host, "-", "bus-down");
  if (options_.mail_host_up_down) (void)mailer_.send("event bus down", message + "\n");
}

void Collector::bus_up() {
  const std::string message = "the event bus (" + options_.bus_out + ") is back";
  spdlog::info("{}", message);
  alert(msg::kAlertBusUp, "info", message, options_.host);
  action(options_.host, "-", "bus-up");
  if (options_.mail_host_up_down) (void)mailer_.send("event bus up", message + "\n");
  // What the supervisors published meanwhile is lost: ask them.
  for (const auto& [host, endpoint] : options_.supervisors)
    reconcile(host, "event bus back");
}

void Collector::host_down(HostView& host) {
  host.up = false;
  const std::string silent = std::to_string(liveness_.silence(host.name).count());
  const std::string message =
      liveness_.bus_up() ? "host " + host.name + " sent no heartbeat for " + silent +
                               " ms; its nodes are unreachable"
                         : "host " + host.name + " did not answer for " + silent +
                               " ms (the event bus is down too); its nodes are unreachable";
  spdlog::warn("{}", message);
  alert(msg::kAlertHostDown, "error", message, host.name);
  action(host.name, "-", "host-down");
  if (options_.mail_host_up_down) (void)mailer_.send("host down: " + host.name, message + "\n");
  // A restart waiting for the manager now waits for the host; the host-up reconciliation
  // re-derives it.
  for (auto& [name, node] : view_.nodes()) {
    if (node.spec.host == host.name) care_event(node, CareEvent::kHostDown, "host down");
  }
}

void Collector::host_up(HostView& host) {
  host.up = true;
  const std::string message = "host " + host.name + " is back";
  spdlog::info("{}", message);
  alert(msg::kAlertHostUp, "info", message, host.name);
  action(host.name, "-", "host-up");
  if (options_.mail_host_up_down) (void)mailer_.send("host up: " + host.name, message + "\n");
  reconcile(host.name, "host up");
}

}  // namespace bc::collector
