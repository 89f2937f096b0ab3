// NodeProcess: the node control protocol's commands (docs/NODE-PROTOCOL.md). One function
// per command; handle() is the dispatch table and turns every failure into an error reply.

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "node/process/node_process.h"

namespace bc::node {
namespace {

constexpr std::size_t kMaxIdBytes = 256;

using msg::Value;

Value strings(const std::vector<std::string>& list) {
  Value out = Value::empty_array();
  for (const std::string& s : list)
    out.push_back(s);
  return out;
}

}  // namespace

msg::Reply NodeProcess::handle(const msg::Request& request) {
  Result<Value> result = Status::ok();
  if (request.cmd == "status") {
    result = cmd_status();
  } else if (request.cmd == "print") {
    result = cmd_print(request.args);
  } else if (request.cmd == "update") {
    result = cmd_update();
  } else if (request.cmd == "netstats") {
    result = cmd_netstats();
  } else if (request.cmd == "peerstatus") {
    result = cmd_peerstatus();
  } else if (request.cmd == "notices") {
    result = cmd_notices(request.args);
  } else if (request.cmd == "rotate") {
    result = Value::empty_map().set("reopened", strings(rotate()));
  } else {
    result =
        Status(ErrorCode::kUnknownCommand, "unknown command '" + request.cmd.substr(0, 64) + "'");
  }
  if (!result) return msg::make_error(request.id, result.status());
  return msg::make_ok(request.id, std::move(*result));
}

msg::Value NodeProcess::cmd_status() const {
  const NodeIdentity& id = options_.identity;
  Value v = Value::empty_map();
  v.set("node", id.spec.name)
      .set("type", config::node_type_name(id.spec.type))
      .set("state", node_state_name(readiness_->state()))
      .set("pid", static_cast<std::int64_t>(getpid()))
      .set("started_at", started_us_)
      .set("capturing", source_ != nullptr)
      .set("control_requests", control_->requests())
      .set("control_malformed", control_->malformed());
  if (source_) {
    const EngineCounters c = engine_->counters();
    v.set("source", source_->name())
        .set("offline", source_->selectable_fd() < 0)
        .set("input_done", input_done_)
        .set("packets", c.packets)
        .set("flows_active", c.flows_active)
        .set("flows_total", c.flows_total)
        .set("records", c.records);
    if (!capture_error_.empty()) v.set("capture_error", capture_error_);
  }
  if (logs_) v.set("logs", strings(logs_->files())).set("records_written", logs_->records());
  if (sink_link_) {
    // Log records waiting for the sink's ack, and those lost past the buffer's bound.
    v.set("log_buffered", sink_link_->buffered_records())
        .set("log_dropped", sink_link_->dropped_records());
  }
  return v;
}

Result<msg::Value> NodeProcess::cmd_print(const msg::Value& args) const {
  Result<std::string> id = args.get_string("id");
  if (!id) return Status::invalid_argument("print needs args.id, the identifier to print");
  if (id->empty() || id->size() > kMaxIdBytes) {
    return Status::invalid_argument("print: an identifier of 1.." + std::to_string(kMaxIdBytes) +
                                    " bytes, please");
  }
  const script::Globals& g = policy_->program.globals;
  const script::Value* value = g.find(*id);
  if (value == nullptr) return Status::not_found("unknown identifier '" + *id + "'");
  Value v = Value::empty_map();
  v.set("id", *id)
      .set("type", script::type_name(value->type(), value->element_type()))
      .set("value", value->print())
      .set("redef", g.is_redef(*id))
      .set("const", g.is_const(*id));
  return v;
}

Result<msg::Value> NodeProcess::cmd_update() {
  Result<UpdateResult> r = update_policy(*policy_, options_.sources);
  if (!r) return r.status();
  if (engine_) engine_->apply(policy_->settings);
  if (detector_) detector_->apply(policy_->settings);
  Value analyses = Value::empty_map();
  for (const auto& [type, on] : r->analyses)
    analyses.set(type, on);
  Value refused = Value::empty_array();
  for (const auto& [id, reason] : r->refused) {
    refused.push_back(Value::empty_map().set("id", id).set("reason", reason));
  }
  spdlog::info("{}: update applied {} change(s), refused {}", options_.identity.spec.name,
               r->changed.size() + r->analyses.size(), r->refused.size());
  Value v = Value::empty_map();
  v.set("changed", strings(r->changed))
      .set("analyses", std::move(analyses))
      .set("refused", std::move(refused));
  return v;
}

msg::Value NodeProcess::cmd_netstats() const {
  Value v = Value::empty_map();
  v.set("node", options_.identity.spec.name).set("capturing", source_ != nullptr);
  const CaptureStats s = source_ ? source_->stats() : CaptureStats{};
  if (source_) v.set("source", source_->name());
  v.set("received", s.received).set("dropped", s.dropped).set("link", s.link);
  return v;
}

msg::Value NodeProcess::cmd_peerstatus() const {
  Value peers = Value::empty_array();
  if (sink_link_) peers.push_back(sink_link_->status());
  for (const auto& p : proxy_links_)
    peers.push_back(p->status());
  Value v = Value::empty_map();
  v.set("node", options_.identity.spec.name).set("peers", std::move(peers));
  if (pull_) {
    v.set("listening", links_.bind)
        .set("received_messages", pulled_messages_)
        .set("malformed_messages", pulled_malformed_)
        .set("duplicate_batches", duplicate_batches_)
        .set("gap_batches", gap_batches_)
        .set("senders", static_cast<std::uint64_t>(ledger_ ? ledger_->senders() : 0));
  }
  return v;
}

Result<msg::Value> NodeProcess::cmd_notices(const msg::Value& args) const {
  std::uint64_t limit = LogSink::kRecentNotices;
  if (args.find("limit") != nullptr) {
    Result<std::uint64_t> l = args.get_uint("limit");
    if (!l || *l == 0 || *l > LogSink::kRecentNotices) {
      return Status::invalid_argument("notices: limit must be 1.." +
                                      std::to_string(LogSink::kRecentNotices));
    }
    limit = *l;
  }
  Value list = Value::empty_array();
  for (const auto& fields : notices_.latest(limit)) {
    Value n = Value::empty_map();
    for (const auto& [k, val] : fields)
      n.set(k, val);
    list.push_back(std::move(n));
  }
  Value v = Value::empty_map();
  v.set("node", options_.identity.spec.name)
      .set("total", notices_.total())
      .set("notices", std::move(list));
  return v;
}

}  // namespace bc::node
