// `tap [--json] [--snapshot] [<topic-prefix> ...]`: follows the bus live until Ctrl-C, one
// line per event (readable, or the event as JSON). Ends quietly when its reader goes away.
// With --snapshot it starts from every supervisor's `status` and shows only the events
// that are newer (the Clone pattern, docs/PROTOCOL.md §6); subscribed to every topic, it
// reports the gaps in each publisher's numbering.

#include <algorithm>
#include <deque>
#include <ostream>

#include "config/endpoints.h"
#include "messages/clone_follower.h"
#include "messages/codec.h"
#include "messages/event_head.h"
#include "messages/event_origin.h"
#include "net/handshake_watch.h"
#include "net/socket_factory.h"
#include "shell/cluster_client.h"
#include "shell/commands/handlers.h"
#include "shell/event_text.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"
#include "shell/shell_context.h"

namespace bc::shell {
using msg::CloneFollower;
using msg::SequenceGap;
namespace {

struct BusEvent {
  std::string topic;
  std::string body;
};

bool wanted(const std::vector<std::string>& prefixes, const std::string& topic) {
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return topic.rfind(p, 0) == 0; });
}

void print_event(ShellContext& ctx, const BusEvent& e) {
  if (ctx.json()) {
    auto json = msg::event_to_json(e.body);
    ctx.out() << (json.is_ok() ? *json
                               : "{\"topic\":\"" + e.topic + "\",\"error\":\"undecodable\"}")
              << '\n';
  } else {
    ctx.out() << event_line(e.topic, e.body) << '\n';
  }
}

void print_gap(ShellContext& ctx, const SequenceGap& gap) {
  if (ctx.json()) {
    ctx.out() << msg::to_json(msg::Value::empty_map().set("gap", msg::Value::empty_map()
                                                                     .set("host", gap.host)
                                                                     .set("origin", gap.origin)
                                                                     .set("after", gap.after)
                                                                     .set("got", gap.got)))
              << '\n';
  } else if (gap.got == 1) {
    ctx.out() << "gap " << gap.host << ' ' << gap.origin << ": it restarted (seq 1 after "
              << gap.after << ")\n";
  } else if (gap.got > gap.after) {
    ctx.out() << "gap " << gap.host << ' ' << gap.origin << ": missed " << gap.got - gap.after - 1
              << " event(s), seq " << gap.after + 1 << ".." << gap.got - 1 << '\n';
  } else {
    ctx.out() << "gap " << gap.host << ' ' << gap.origin << ": seq " << gap.got << " after "
              << gap.after << '\n';
  }
}

// One host's `status` answer, as the first lines of the tap; the follower learns which
// events it reflects.
void print_snapshot(ShellContext& ctx, const Outcome& o, CloneFollower& follower) {
  const std::string& host = o.call.host;
  const msg::Value* result =
      o.reply.is_ok() && o.reply->ok && o.reply->result ? &*o.reply->result : nullptr;
  if (result == nullptr) {
    const Status why = o.reply.is_ok() ? msg::reply_status(*o.reply) : o.reply.status();
    if (ctx.json()) {
      ctx.out() << msg::to_json(msg::Value::empty_map().set(
                       "snapshot", msg::Value::empty_map()
                                       .set("host", host)
                                       .set("error", msg::Value::empty_map()
                                                         .set("code", static_cast<int>(why.code()))
                                                         .set("message", why.message()))))
                << '\n';
    } else {
      ctx.out() << "snapshot " << host << ": " << why.message() << '\n';
    }
    return;
  }
  const std::uint64_t seq = result->get_uint("seq").value_or(0);
  follower.snapshot(host, seq, result->get_int("as_of").value_or(0));
  if (ctx.json()) {
    ctx.out() << msg::to_json(msg::Value::empty_map().set("snapshot", *result)) << '\n';
    return;
  }
  ctx.out() << "snapshot " << host << " seq=" << seq
            << " state_version=" << result->get_uint("state_version").value_or(0) << '\n';
  const msg::Value* nodes = result->find("nodes");
  if (nodes == nullptr || nodes->as_array() == nullptr) return;
  for (const msg::Value& n : *nodes->as_array()) {
    ctx.out() << "snapshot " << host << '/' << n.get_string("name").value_or("?") << ' '
              << n.get_string("state").value_or("?");
    if (const std::int64_t pid = n.get_int("pid").value_or(0); pid > 0) ctx.out() << " pid=" << pid;
    ctx.out() << '\n';
  }
}

}  // namespace

int cmd_tap(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  std::vector<std::string> prefixes;
  bool snapshot = false;
  for (const auto& a : args) {
    if (a == "--snapshot") {
      snapshot = true;
    } else if (a.rfind("--", 0) == 0) {
      return ctx.fail("tap: unknown option " + a + " (usage: tap [--snapshot] [<prefix> ...])");
    } else {
      prefixes.push_back(a);
    }
  }
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  zmq::socket_t sub = net::make_socket(ctx.zmq(), zmq::socket_type::sub);
  const std::string endpoint = config::broker_sub_endpoint(*cluster);
  if (Status s = ctx.security()->secure_client(sub, std::string(security::kBrokerKeyName));
      !s.is_ok()) {
    return ctx.fail(s.message());
  }
  // A broker that refuses our key is said at once, as status says it (issue 18: tap waited
  // silently for ever).
  net::HandshakeWatch handshake(ctx.zmq(), sub, ctx.security()->enabled());
  sub.connect(endpoint);
  if (prefixes.empty()) sub.set(zmq::sockopt::subscribe, "");
  for (const auto& prefix : prefixes)
    sub.set(zmq::sockopt::subscribe, prefix);
  // --snapshot: an event through says the subscription is in place, so that no event after
  // the snapshot can be missed; a supervisor's heartbeat is waited for (up to two heartbeat
  // intervals and CommTimeout), as the snapshot is theirs. Heartbeats not asked for are
  // not shown.
  if (snapshot && !wanted(prefixes, "hb.")) sub.set(zmq::sockopt::subscribe, "hb.");
  CloneFollower follower(prefixes.empty());
  install_interrupt_handler();
  clear_interrupt();
  if (!ctx.json()) ctx.err() << "tapping " << endpoint << " (Ctrl-C to stop)\n";

  // Events read before the snapshot, shown after it (those it reflects are dropped).
  std::deque<BusEvent> early;
  const auto subscribed_by = std::chrono::steady_clock::now() +
                             2 * cluster->options.get_millis("HeartbeatInterval") +
                             cluster->options.get_millis("CommTimeout");
  bool snapshot_due = snapshot;
  bool heard_supervisor = false;  // a supervisor's heartbeat came through
  while (!interrupted()) {
    const bool late = std::chrono::steady_clock::now() > subscribed_by;
    if (snapshot_due && (heard_supervisor || (late && !early.empty()))) {
      snapshot_due = false;
      std::vector<Call> calls;
      for (const auto& host : cluster->hosts())
        calls.push_back({host, "status", msg::Value::empty_map(), host});
      ClusterClient client(ctx.zmq(), *cluster, ctx.security());
      for (const Outcome& o : client.run(calls, client.comm_timeout()))
        print_snapshot(ctx, o, follower);
    }
    if (snapshot_due && late) {
      clear_interrupt();
      return ctx.fail("tap: no event came from the bus at " + endpoint +
                      " in time to take a snapshot; is the broker running?");
    }
    while (!snapshot_due && !early.empty()) {
      BusEvent e = std::move(early.front());
      early.pop_front();
      auto value = msg::decode_value(e.body);
      if (value.is_ok()) {
        const std::string type = value->get_string("type").value_or("");
        const std::string host = value->get_string("host").value_or("");
        auto verdict =
            follower.admit(host, msg::origin_of(type, e.body), value->get_uint("seq").value_or(0),
                           value->get_int("ts").value_or(0));
        if (verdict.gap) print_gap(ctx, *verdict.gap);
        if (!verdict.apply) continue;
      }
      if (wanted(prefixes, e.topic)) print_event(ctx, e);
    }
    ctx.out().flush();
    if (!ctx.out().good()) break;  // the reader went away (| head)
    // stdout too: a pipe whose reader has gone (`| head`) reports an error at once, so we
    // end without waiting for the next event to fail its write.
    zmq::socket_t* monitor = handshake.monitor();
    zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, 1, 0, 0},
                               {monitor ? monitor->handle() : nullptr, 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, monitor ? 3 : 2, std::chrono::milliseconds(250));
    } catch (const zmq::error_t&) {
      continue;  // EINTR: the loop condition decides
    }
    if (Status refused = handshake.check(endpoint); !refused.is_ok()) {
      clear_interrupt();
      return ctx.fail(refused);
    }
    if (items[1].revents & ZMQ_POLLERR) break;
    if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
    zmq::message_t topic, body;
    while (sub.recv(topic, zmq::recv_flags::dontwait)) {
      if (!topic.more()) continue;
      (void)sub.recv(body, zmq::recv_flags::none);
      early.push_back({topic.to_string(), body.to_string()});
      auto head = msg::peek_head(early.back().body);
      heard_supervisor = heard_supervisor || (head.is_ok() && head->role == "supervisor");
    }
  }
  clear_interrupt();
  return 0;
}

}  // namespace bc::shell
