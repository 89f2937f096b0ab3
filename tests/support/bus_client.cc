#include "tests/support/bus_client.h"

#include <sstream>
#include <zmq_addon.hpp>

#include "net/socket_factory.h"

namespace bc::test {
namespace {

using Clock = std::chrono::steady_clock;

Millis left_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
  return left.count() > 0 ? left : Millis(0);
}

bool is_node_state(const BusEvent& e, const std::string& host, const std::string& node) {
  return e.state && e.state->env.host == host && e.state->node == node;
}

}  // namespace

msg::Value nodes_arg(std::initializer_list<std::string> names) {
  return nodes_arg(std::vector<std::string>(names));
}

msg::Value nodes_arg(const std::vector<std::string>& names) {
  msg::Value list = msg::Value::empty_array();
  for (const auto& name : names)
    list.push_back(name);
  msg::Value args = msg::Value::empty_map();
  args.set("nodes", std::move(list));
  return args;
}

msg::Value node_entry(const msg::Reply& reply, const std::string& node) {
  if (!reply.result) return {};
  const msg::Value* nodes = reply.result->find("nodes");
  if (nodes == nullptr) return {};
  if (const msg::Value* entry = nodes->find(node)) return *entry;
  if (const auto* list = nodes->as_array()) {
    for (const auto& entry : *list) {
      if (str_field(entry, "name") == node) return entry;
    }
  }
  return {};
}

std::string str_field(const msg::Value& v, std::string_view key) {
  const msg::Value* f = v.find(key);
  const std::string* s = f != nullptr ? f->as_string() : nullptr;
  return s != nullptr ? *s : std::string();
}

std::int64_t int_field(const msg::Value& v, std::string_view key) {
  const msg::Value* f = v.find(key);
  return f != nullptr ? f->as_int().value_or(-1) : -1;
}

bool bool_field(const msg::Value& v, std::string_view key) {
  const msg::Value* f = v.find(key);
  return f != nullptr && f->as_bool().value_or(false);
}

std::string describe(const msg::Reply& reply) {
  return msg::to_json(reply);
}

// ---- Client

Client::Client(zmq::context_t& ctx, const std::string& endpoint,
               const security::BusSecurity* security, const std::string& server)
    : mux_(ctx, clock_, security) {
  mux_.add_peer(kServer, endpoint, server);
}

msg::Reply Client::call(std::string_view cmd, const msg::Value& args, Millis timeout) {
  return wait(send(cmd, args), timeout);
}

std::uint64_t Client::send(std::string_view cmd, const msg::Value& args) {
  // The deadline is each wait's; this one only bounds a request nobody waits for.
  return *mux_.send(kServer, cmd, args, std::chrono::hours(1));
}

msg::Reply Client::wait(std::uint64_t id, Millis timeout) {
  auto reply = mux_.wait(id, timeout);
  if (reply.is_ok()) return *reply;
  return msg::make_error(id, reply.status());
}

std::optional<msg::Reply> Client::poll(std::uint64_t id) {
  mux_.read(kServer);
  auto done = mux_.take(id);
  if (!done || !done->is_ok()) return std::nullopt;
  return std::move(**done);
}

msg::Value Client::status_of(const std::string& node) {
  return node_entry(call("status", nodes_arg({node})), node);
}

// ---- predicates

EventPredicate heartbeat_from(const std::string& host, std::int64_t pid) {
  return [host, pid](const BusEvent& e) {
    if (!e.heartbeat || e.heartbeat->role != "supervisor" || e.heartbeat->env.host != host ||
        (pid != 0 && e.heartbeat->pid != pid)) {
      return false;
    }
    // One sent while the supervisor's bus gate held its node events back does not follow
    // them (supervisor/bus_gate.h).
    const auto gate = e.heartbeat->counters.find("bus_gate_open");
    return gate == e.heartbeat->counters.end() || gate->second == 1;
  };
}

EventPredicate broker_heartbeat() {
  return [](const BusEvent& e) { return e.heartbeat && e.heartbeat->role == "broker"; };
}

EventPredicate node_state(const std::string& host, const std::string& node,
                          const std::string& state) {
  return [host, node, state](const BusEvent& e) {
    return is_node_state(e, host, node) && e.state->state == state;
  };
}

EventPredicate any_node_state(const std::string& host, const std::string& node) {
  return [host, node](const BusEvent& e) { return is_node_state(e, host, node); };
}

EventPredicate crash_of(const std::string& host, const std::string& node) {
  return [host, node](const BusEvent& e) {
    return e.crash && e.crash->env.host == host && e.crash->node == node;
  };
}

// ---- EventTap

EventTap::EventTap(zmq::context_t& ctx, const std::string& endpoint,
                   const security::BusSecurity* security)
    : socket_(net::make_socket(ctx, zmq::socket_type::sub)) {
  if (security != nullptr) {
    (void)security->secure_client(socket_, std::string(security::kBrokerKeyName));
  }
  socket_.set(zmq::sockopt::subscribe, "");
  socket_.connect(endpoint);
}

bool EventTap::receive(Millis wait) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, wait) <= 0) return false;
  std::vector<zmq::message_t> frames;
  if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
    return false;
  }
  BusEvent e;
  e.received = Clock::now();
  e.topic = frames.empty() ? std::string() : frames[0].to_string();
  if (frames.size() == 2) e.body = frames[1].to_string();
  if (auto type = msg::peek_type(e.body); type.is_ok()) e.type = *type;
  if (e.type == msg::Heartbeat::kType) {
    if (auto m = msg::decode<msg::Heartbeat>(e.body); m.is_ok()) e.heartbeat = *m;
  } else if (e.type == msg::NodeStateChange::kType) {
    if (auto m = msg::decode<msg::NodeStateChange>(e.body); m.is_ok()) e.state = *m;
  } else if (e.type == msg::CrashReport::kType) {
    if (auto m = msg::decode<msg::CrashReport>(e.body); m.is_ok()) e.crash = *m;
  }
  events_.push_back(std::move(e));
  return true;
}

void EventTap::drain() {
  while (receive(Millis(0))) {
  }
}

std::optional<BusEvent> EventTap::next(const EventPredicate& pred, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  drain();
  for (;;) {
    for (; cursor_ < events_.size(); ++cursor_) {
      if (pred(events_[cursor_])) return events_[cursor_++];
    }
    if (left_until(deadline).count() == 0) return std::nullopt;
    receive(left_until(deadline));
  }
}

std::optional<BusEvent> EventTap::wait_for(const EventPredicate& pred, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  drain();
  std::size_t i = origin_;
  for (;;) {
    for (; i < events_.size(); ++i) {
      if (pred(events_[i])) return events_[i];
    }
    if (left_until(deadline).count() == 0) return std::nullopt;
    receive(left_until(deadline));
  }
}

void EventTap::skip() {
  drain();
  origin_ = cursor_ = events_.size();
}

std::vector<BusEvent> EventTap::all(const EventPredicate& pred) {
  drain();
  std::vector<BusEvent> out;
  for (std::size_t i = origin_; i < events_.size(); ++i) {
    if (pred(events_[i])) out.push_back(events_[i]);
  }
  return out;
}

std::string EventTap::history() {
  drain();
  std::ostringstream out;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const BusEvent& e = events_[i];
    if (i == origin_ && i > 0) out << "---- skip()\n";
    if (e.state) {
      out << e.topic << " " << e.state->prev_state << "->" << e.state->state
          << " desired=" << e.state->desired << " pid=" << e.state->pid
          << " reason=" << e.state->reason.value_or("") << "\n";
    } else if (e.crash) {
      out << e.topic << " record=" << e.crash->record_dir << "\n";
    }
  }
  return out.str();
}

}  // namespace bc::test
