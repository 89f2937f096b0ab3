#include "shell/host_calls.h"

#include <ostream>

#include "messages/codec.h"
#include "shell/node_args.h"
#include "shell/result_printer.h"

namespace bc::shell {

std::vector<Outcome> call_hosts(
    ShellContext& ctx, const std::vector<config::NodeSpec>& nodes, const std::string& cmd,
    const std::function<msg::Value(const std::vector<config::NodeSpec>&)>& make_args,
    std::chrono::milliseconds extra_time) {
  std::vector<Call> calls;
  for (const auto& [host, host_nodes] : by_host(nodes)) {
    calls.push_back({host, cmd, make_args(host_nodes), host});
  }
  ClusterClient client(ctx.zmq(), *ctx.cluster(), ctx.security());
  return client.run(calls, client.comm_timeout() + extra_time);
}

namespace {

// The result of an outcome, or nullptr: result_or_report() without the report.
const msg::Value* result_of(const Outcome& outcome) {
  if (!outcome.reply.is_ok() || !outcome.reply->result) return nullptr;
  return &*outcome.reply->result;
}

}  // namespace

const msg::Value* result_or_report(ShellContext& ctx, const Outcome& outcome) {
  if (!outcome.reply.is_ok()) {
    ctx.fail(outcome.reply.status());
    return nullptr;
  }
  if (!outcome.reply->ok && !outcome.reply->result) {
    const Status s = msg::reply_status(*outcome.reply);
    ctx.fail(Status(s.code(), outcome.call.host + ": " + s.message()));
    return nullptr;
  }
  return result_of(outcome);
}

namespace {

const msg::Value::Array* node_entries(const msg::Value& result) {
  const msg::Value* list = result.find("nodes");
  return list != nullptr ? list->as_array() : nullptr;
}

}  // namespace

HostPrinter node_entries_printer(
    std::function<void(std::ostream&, const Outcome&, const msg::Value& entry)> text) {
  HostPrinter printer;
  printer.succeeded = [](const msg::Value& result) { return node_entries(result) != nullptr; };
  printer.json = [](const msg::Value& result, msg::Value& array) {
    if (const msg::Value::Array* entries = node_entries(result)) {
      for (const msg::Value& n : *entries)
        array.push_back(n);
    }
  };
  printer.text = [text = std::move(text)](std::ostream& out, const Outcome& o,
                                          const msg::Value& result) {
    if (const msg::Value::Array* entries = node_entries(result)) {
      for (const msg::Value& n : *entries)
        text(out, o, n);
    }
  };
  return printer;
}

int print_host_results(ShellContext& ctx, const std::vector<Outcome>& outcomes,
                       const HostPrinter& printer) {
  ResultPrinter<Outcome> p;
  p.failed = [&](const Outcome& o) {
    const msg::Value* result = result_or_report(ctx, o);
    return result == nullptr || (printer.succeeded && !printer.succeeded(*result));
  };
  p.text = [&](std::ostream& out, const Outcome& o) {
    if (const msg::Value* result = result_of(o); result != nullptr && printer.text)
      printer.text(out, o, *result);
  };
  p.json = [&](const Outcome& o, msg::Value& array) {
    const msg::Value* result = result_of(o);
    if (result == nullptr) return;
    if (printer.json) {
      printer.json(*result, array);
    } else {
      array.push_back(*result);
    }
  };
  p.finish = printer.finish;
  return print_results(ctx, outcomes, p);
}

}  // namespace bc::shell
