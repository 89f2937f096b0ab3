// libFuzzer target: the collector's event intake (collector/event_intake.h), fed (topic,
// body) pairs as the collector's bus socket hands them over (input format:
// fuzz/intake_input.h), against the view of a configured two-host cluster, and the
// bookkeeping Collector::on_event does with what it takes in: the sequence numbers of each
// publisher (ClusterView::note_sequence) and the order of node_state events between the
// bus and the crash watch (NoticeOrder). Checked beyond "no crash": an event taken in is
// on the topic its content implies, from a host in node.cfg, and about a node that
// node.cfg puts on that very host (docs/SECURITY.md, origin binding), and every such event
// is taken in (the verdict is computed here from node.cfg alone); one that decodes and is
// not taken in is counted as refused; the view never gains a host or a node from
// an event; a crash told by a notice is not applied again by its copy on the bus.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "collector/cluster_view.h"
#include "collector/event_intake.h"
#include "collector/notice_order.h"
#include "config/cluster.h"
#include "config/node_config.h"
#include "fuzz/intake_input.h"
#include "messages/codec.h"

namespace {

using namespace bc;
using namespace bc::collector;

void check(bool ok) {
  if (!ok) std::abort();
}

// node.cfg of the fuzzed cluster, parsed by the real parser (no DNS: h1 and h2 are
// test-net addresses).
const config::Cluster& cluster() {
  static const config::Cluster c = [] {
    config::Diagnostics diags;
    config::Cluster out;
    out.nodes = config::parse_node_config(
        fuzz::kIntakeNodeCfg, "node.cfg", "",
        [](const std::string& host) -> std::optional<std::string> {
          return host == "h1" ? "198.18.0.1" : "198.18.0.2";
        },
        diags);
    check(!diags.has_errors() && out.nodes.size() == 5);
    return out;
  }();
  return c;
}

// What node.cfg says, kept apart from the view that the intake reads and the fold writes.
struct Expected {
  std::set<std::string> hosts;
  std::map<std::string, std::string> host_of;  // node -> its host
};

const Expected& expected() {
  static const Expected e = [] {
    Expected out;
    for (const config::NodeSpec& n : cluster().nodes) {
      out.hosts.insert(n.host);
      out.host_of[n.name] = n.host;
    }
    return out;
  }();
  return e;
}

bool from_its_node_host(const std::string& node, const std::string& host) {
  auto it = expected().host_of.find(node);
  return it != expected().host_of.end() && it->second == host;
}

// What the intake must do with a message, from node.cfg alone: nullopt for one it does not
// fold (undecodable, another type, a daemon's heartbeat other than a supervisor's), which
// it drops without counting; else whether it believes it (false: dropped and counted).
template <class M>
std::optional<bool> verdict_of(std::string_view topic, std::string_view body) {
  Result<M> e = msg::decode<M>(body);
  if (!e.is_ok()) return std::nullopt;
  if constexpr (std::is_same_v<M, msg::Heartbeat>) {
    if (e->role != "supervisor") return std::nullopt;
  }
  bool believed = topic == msg::topic_for(*e) && expected().hosts.count(e->env.host) == 1;
  if constexpr (requires { e->node; })
    believed = believed && from_its_node_host(e->node, e->env.host);
  return believed;
}

std::optional<bool> verdict(std::string_view topic, std::string_view body) {
  auto type = msg::peek_type(body);
  if (!type.is_ok()) return std::nullopt;
  if (*type == msg::Heartbeat::kType) return verdict_of<msg::Heartbeat>(topic, body);
  if (*type == msg::NodeStateChange::kType) return verdict_of<msg::NodeStateChange>(topic, body);
  if (*type == msg::CrashReport::kType) return verdict_of<msg::CrashReport>(topic, body);
  if (*type == msg::HostStats::kType) return verdict_of<msg::HostStats>(topic, body);
  if (*type == msg::NodeStats::kType) return verdict_of<msg::NodeStats>(topic, body);
  return std::nullopt;
}

// The collector's event loop, minus its sockets: what on_event and note_sequence do with
// an event taken in, up to the handlers.
class Fold {
 public:
  Fold() : view_(cluster()) {}

  void feed(const fuzz::BusMessage& m, bool notice_first) {
    const std::uint64_t refused = intake_.refused();
    BusEvent event = intake_.admit(view_, m.topic, m.body, now_);
    now_ += std::chrono::milliseconds(300);  // the intake's log throttle lets some lines out
    const std::optional<bool> must = verdict(m.topic, m.body);
    const bool taken = !std::holds_alternative<std::monostate>(event);
    check(taken == (must == true));
    check(intake_.refused() == refused + (must == false ? 1 : 0));
    if (!taken) return;
    if (auto* hb = std::get_if<msg::Heartbeat>(&event)) {
      check(hb->role == "supervisor");
      host_event(*hb, m.topic);
      (void)view_.note_sequence(hb->env.host, hb->role, hb->env.seq);
    } else if (auto* e = std::get_if<msg::NodeStateChange>(&event)) {
      node_event(*e, m.topic);
      const bool told = notice_first && order_.accept_notice(e->node, e->env);
      const bool applied = order_.accept_bus(e->node, e->env);
      check(!(told && applied));  // a crash the notice told is applied once
    } else if (auto* r = std::get_if<msg::CrashReport>(&event)) {
      node_event(*r, m.topic);
    } else if (auto* s = std::get_if<msg::HostStats>(&event)) {
      host_event(*s, m.topic);
      sequence(s->env);
    } else if (auto* n = std::get_if<msg::NodeStats>(&event)) {
      node_event(*n, m.topic);
      NodeView* node = view_.node(n->node);
      check(node != nullptr);
      node->stats = *n;
    }
    check(view_.hosts().size() == expected().hosts.size());
    check(view_.nodes().size() == expected().host_of.size());
  }

 private:
  template <class E>
  void host_event(const E& e, std::string_view topic) {
    check(expected().hosts.count(e.env.host) == 1);
    check(topic == msg::topic_for(e));
  }

  // Also notes its sequence number, as every node event does (Collector::note_sequence).
  template <class E>
  void node_event(const E& e, std::string_view topic) {
    // The point of the intake: a node's event is believed only from its own host.
    check(from_its_node_host(e.node, e.env.host));
    check(topic == msg::topic_for(e));
    sequence(e.env);
  }

  void sequence(const msg::Envelope& env) {
    (void)view_.note_sequence(env.host, "supervisor", env.seq);
  }

  ClusterView view_;
  EventIntake intake_;
  NoticeOrder order_;
  SteadyTime now_{};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The intake's warnings are formatted (printable(), the throttle's counts) but not shown.
  auto logger =
      std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  (void)expected();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::IntakeInput input =
      fuzz::split_intake_input(std::string_view(reinterpret_cast<const char*>(data), size));
  Fold fold;
  for (std::size_t i = 0; i < input.messages.size(); ++i) {
    fold.feed(input.messages[i], input.notice_first(i));
  }
  return 0;
}
