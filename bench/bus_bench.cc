// bus_bench: events per second through brocluster-broker, from one PUB to one SUB.
//
//   bus_bench [--events N] [--window W] [--plain] [--broker PATH | --pub EP --sub EP] [--json]
//
// Starts its own broker (a temp BroBase on 127.0.0.1, ports from 21000-26999) unless given
// the endpoints of a running one (then plain). The events are real msgpack node_state
// bodies (the size of the supervisors' events) on their real topic, numbered (in the
// `reason` string) so that the receiver counts loss and disorder. By default the bus is
// encrypted as in production: the publisher holds the host key of "localhost", so the
// broker's origin check (docs/SECURITY.md) runs on every event; --plain measures without
// CURVE and without the check.
//
// Two runs:
//   windowed  the sender keeps at most W events in flight (sent - received <= W, with W
//             below every high-water mark on the way): the throughput the bus sustains
//             with no loss. Loss here is a bug.
//   flood     the sender does not wait: above the high-water marks ZeroMQ drops (PUB and
//             XPUB never block), and the loss shows how much.
// Each run: events sent, received, lost, out of order, seconds, events/s, MB/s; then the
// broker's own counters from its heartbeat.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "messages/codec.h"
#include "security/bus_security.h"
#include "security/keygen.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kHwm = 100000;  // ours, and the broker's default (broker/broker.h)

struct Options {
  long events = 1000000;
  long window = 50000;
  std::string broker_exe;
  std::string pub, sub;
  bool json = false;
  bool plain = false;
  std::string base;  // our broker's BroBase, whose keys the clients use (CURVE)
};

constexpr std::string_view kHost = "localhost";
constexpr std::string_view kTopic = "node.localhost.worker-17";
constexpr std::string_view kNumber = "#seq-no#";  // 8 bytes of `reason`, overwritten

bc::config::ClusterConfig key_options(const std::string& base) {
  bc::config::ClusterConfig options;
  options.set("BusSecurity", "curve");
  options.set("ReplayWindow", "60");
  options.set("SpoolDir", base + "/spool");
  options.set("KeysDir", base + "/etc/keys");
  options.set("SecretKeyDir", base + "/etc/keys/secret");
  return options;
}

struct RunResult {
  const char* name;
  long sent = 0, received = 0, disorder = 0;
  double seconds = 0;
};

std::string event_body() {
  bc::msg::NodeStateChange e;
  e.node = "worker-17";
  e.node_type = "worker";
  e.state = "running";
  e.prev_state = "initializing";
  e.desired = "running";
  e.pid = 123456;
  e.started_at = 1796042630746320;
  e.reason = "start requested " + std::string(kNumber);
  bc::msg::stamp(e, std::string(kHost), 1, 1796042630746320);
  return bc::msg::encode(e);
}

// Where the event number goes in the body (inside `reason`, so the body stays valid).
std::size_t number_offset() {
  static const std::size_t at = event_body().find(kNumber);
  return at;
}

bool port_free(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A broker of our own, in a temp BroBase; stopped and removed by the destructor.
class OwnBroker {
 public:
  OwnBroker(const std::string& exe, bool plain) {
    char dir[] = "/tmp/bc-bus-bench.XXXXXX";
    if (mkdtemp(dir) == nullptr) return;
    base_ = dir;
    for (int tries = 0; tries < 200 && port_ == 0; ++tries) {
      const int p = 21000 + static_cast<int>((getpid() * 13 + tries * 101) % 1490) * 4;
      if (port_free(p) && port_free(p + 1)) port_ = p;
    }
    fs::create_directories(base_ + "/etc");
    std::ofstream(base_ + "/etc/cluster.cfg")
        << "BrokerPubPort = " << port_ << "\nBrokerSubPort = " << port_ + 1
        << "\nSupervisorPort = " << port_ + 2 << "\nCollectorPort = " << port_ + 3
        << "\nHeartbeatInterval = 0.2\n"
        << (plain ? "BusSecurity = plain\n" : "");
    std::ofstream(base_ + "/etc/node.cfg") << "[bro]\ntype=standalone\nhost=localhost\n";
    if (!plain &&
        !bc::security::ensure_cluster_keys(key_options(base_), {std::string(kHost)}).is_ok()) {
      return;
    }
    const std::string cmd = "'" + exe + "' --base '" + base_ + "'";
    ok_ = std::system(cmd.c_str()) == 0;  // returns once the broker serves
    std::ifstream(base_ + "/spool/broker.pid") >> pid_;
  }
  ~OwnBroker() {
    if (pid_ > 0) kill(pid_, SIGTERM);
    for (int i = 0; i < 200 && pid_ > 0 && kill(pid_, 0) == 0; ++i)
      std::this_thread::sleep_for(milliseconds(10));  // waiting out its exit
    if (!base_.empty()) fs::remove_all(base_);
  }
  bool ok() const { return ok_ && pid_ > 0; }
  const std::string& base() const { return base_; }
  std::string pub() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string sub() const { return "tcp://127.0.0.1:" + std::to_string(port_ + 1); }

 private:
  std::string base_;
  int port_ = 0;
  pid_t pid_ = 0;
  bool ok_ = false;
};

// With CURVE, the publisher holds the host key of kHost and the subscriber the admin key.
zmq::socket_t make(zmq::context_t& ctx, zmq::socket_type type, const std::string& ep,
                   const Options& o) {
  zmq::socket_t s(ctx, type);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::sndhwm, kHwm);
  s.set(zmq::sockopt::rcvhwm, kHwm);
  if (type == zmq::socket_type::sub) s.set(zmq::sockopt::subscribe, "");
  if (!o.base.empty()) {
    const std::string key = type == zmq::socket_type::pub ? std::string(kHost) : "admin";
    auto sec = bc::security::BusSecurity::load(key_options(o.base), key);
    if (!sec.is_ok() || !sec->secure_client(s, std::string(bc::security::kBrokerKeyName)).is_ok()) {
      std::fprintf(stderr, "bus_bench: the %s key of %s does not load\n", key.c_str(),
                   o.base.c_str());
    }
  }
  s.connect(ep);
  return s;
}

void send_event(zmq::socket_t& pub, const std::string& body, long n) {
  zmq::message_t payload(body.data(), body.size());
  std::memcpy(static_cast<char*>(payload.data()) + number_offset(), &n, sizeof n);
  pub.send(zmq::buffer(kTopic), zmq::send_flags::sndmore);
  pub.send(payload, zmq::send_flags::none);
}

// Sends probes until one comes back: the subscription has reached the publisher.
bool handshake(zmq::socket_t& pub, zmq::socket_t& sub) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  zmq::message_t m;
  while (Clock::now() < deadline) {
    send_event(pub, event_body(), -1);
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, milliseconds(20)) > 0) {
      // Drain the probes still under way, until the line stays quiet.
      do {
        while (sub.recv(m, zmq::recv_flags::dontwait)) {
        }
      } while (zmq::poll(&item, 1, milliseconds(100)) > 0);
      return true;
    }
  }
  return false;
}

// One run. The receiver thread counts; the sender stops after `events` and the receiver
// after it has them all or the line has been quiet for 500 ms (the rest was dropped).
RunResult run(zmq::context_t& ctx, const Options& o, const char* name, long window) {
  auto pub = make(ctx, zmq::socket_type::pub, o.pub, o);
  auto sub = make(ctx, zmq::socket_type::sub, o.sub, o);
  RunResult r{name};
  if (!handshake(pub, sub)) {
    std::fprintf(stderr, "bus_bench: no path through the broker at %s -> %s\n", o.pub.c_str(),
                 o.sub.c_str());
    return r;
  }
  const std::string body = event_body();
  std::atomic<long> received{0};
  std::atomic<bool> sending{true};
  long disorder = 0;
  Clock::time_point last_rx = Clock::now();
  std::thread receiver([&] {
    zmq::message_t topic, payload;
    long expected = 0, count = 0;
    Clock::time_point quiet_since = Clock::now();
    for (;;) {
      zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, milliseconds(50));
      bool got = false;
      while (sub.recv(topic, zmq::recv_flags::dontwait)) {
        (void)sub.recv(payload);
        if (topic.to_string_view() != kTopic || payload.size() < number_offset() + sizeof(long)) {
          continue;
        }
        long n = 0;
        std::memcpy(&n, static_cast<const char*>(payload.data()) + number_offset(), sizeof n);
        if (n < expected) ++disorder;  // a jump forward is loss, counted as such
        expected = n + 1;
        ++count;
        if ((count & 1023) == 0) {
          received.store(count, std::memory_order_release);
          received.notify_all();
        }
        got = true;
      }
      received.store(count, std::memory_order_release);
      const auto now = Clock::now();
      if (got) {
        quiet_since = now;
        last_rx = now;
        received.notify_all();  // once per batch read, not per event
      }
      if (count >= o.events) break;
      if (!sending.load() && now - quiet_since > milliseconds(500)) break;
    }
  });
  const auto t0 = Clock::now();
  for (long i = 0; i < o.events; ++i) {
    // Flow control: at most `window` in flight. Blocks (futex) rather than spins: on two
    // cores a spinning sender would take the CPU the broker and the receiver need.
    for (long seen; window > 0 && i - (seen = received.load(std::memory_order_acquire)) >= window;)
      received.wait(seen, std::memory_order_acquire);
    // Two frames, as every event; the number is stamped into `reason`.
    send_event(pub, body, i);
  }
  r.sent = o.events;
  sending.store(false);
  receiver.join();
  r.received = received.load();
  r.disorder = disorder;
  r.seconds = std::chrono::duration<double>(last_rx - t0).count();
  return r;
}

// The broker's heartbeat counters, as it reports them.
std::string broker_counters(zmq::context_t& ctx, const Options& o) {
  zmq::socket_t sub = make(ctx, zmq::socket_type::sub, o.sub, o);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  zmq::message_t topic, body;
  while (Clock::now() < deadline) {
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, milliseconds(100)) == 0) continue;
    if (!sub.recv(topic) || !topic.more() || !sub.recv(body)) continue;
    auto hb = bc::msg::decode<bc::msg::Heartbeat>(body.to_string_view());
    if (!hb.is_ok() || hb->role != "broker") continue;
    std::string out;
    for (const auto& [k, v] : hb->counters)
      out += (out.empty() ? "" : " ") + k + "=" + std::to_string(v);
    return out;
  }
  return "(no broker heartbeat)";
}

void print(const Options& o, const RunResult& r, std::size_t body_size) {
  const double rate = r.seconds > 0 ? static_cast<double>(r.received) / r.seconds : 0;
  const double mbps = rate * static_cast<double>(body_size + kTopic.size()) / 1e6;
  if (o.json) {
    std::printf(
        "{\"run\":\"%s\",\"sent\":%ld,\"received\":%ld,\"lost\":%ld,\"out_of_order\":%ld,"
        "\"seconds\":%.3f,\"events_per_s\":%.0f,\"mb_per_s\":%.1f,\"event_bytes\":%zu}\n",
        r.name, r.sent, r.received, r.sent - r.received, r.disorder, r.seconds, rate, mbps,
        body_size);
  } else {
    std::printf(
        "%-9s sent %ld received %ld lost %ld out-of-order %ld in %.3f s = %.0f events/s "
        "(%.1f MB/s)\n",
        r.name, r.sent, r.received, r.sent - r.received, r.disorder, r.seconds, rate, mbps);
  }
}

std::string default_broker(const char* argv0) {
  std::error_code ec;
  const fs::path self = fs::canonical("/proc/self/exe", ec).parent_path();
  for (const fs::path& p : {self / "../broker/brocluster-broker", self / "brocluster-broker"}) {
    if (fs::exists(p, ec)) return fs::canonical(p, ec).string();
  }
  (void)argv0;
  return "brocluster-broker";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.broker_exe = default_broker(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--events") {
      o.events = std::atol(value().c_str());
    } else if (a == "--window") {
      o.window = std::atol(value().c_str());
    } else if (a == "--broker") {
      o.broker_exe = value();
    } else if (a == "--pub") {
      o.pub = value();
    } else if (a == "--sub") {
      o.sub = value();
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--plain") {
      o.plain = true;
    } else {
      std::fprintf(stderr,
                   "usage: bus_bench [--events N] [--window W] [--plain] [--broker PATH | --pub EP "
                   "--sub EP] [--json]\n");
      return 2;
    }
  }
  if (o.window <= 0 || o.window >= kHwm) {
    std::fprintf(stderr, "bus_bench: the window must be 1..%d (below the high-water mark)\n",
                 kHwm - 1);
    return 2;
  }
  std::optional<OwnBroker> broker;
  if (o.pub.empty() || o.sub.empty()) {
    broker.emplace(o.broker_exe, o.plain);
    if (!broker->ok()) {
      std::fprintf(stderr, "bus_bench: could not start %s\n", o.broker_exe.c_str());
      return 1;
    }
    o.pub = broker->pub();
    o.sub = broker->sub();
    if (!o.plain) o.base = broker->base();
  }
  zmq::context_t ctx(1);
  const std::size_t body = event_body().size();
  if (!o.json) {
    std::printf("bus_bench: %ld events of %zu bytes (+ a %zu-byte topic), window %ld, HWM %d, %s\n",
                o.events, body, kTopic.size(), o.window, kHwm,
                o.base.empty() ? "plain" : "CURVE + origin check");
  }
  const RunResult windowed = run(ctx, o, "windowed", o.window);
  print(o, windowed, body);
  const RunResult flood = run(ctx, o, "flood", 0);
  print(o, flood, body);
  const std::string counters = broker_counters(ctx, o);
  if (o.json) {
    std::printf("{\"broker\":\"%s\"}\n", counters.c_str());
  } else {
    std::printf("broker    %s\n", counters.c_str());
  }
  return windowed.received == windowed.sent && windowed.disorder == 0 ? 0 : 1;
}
