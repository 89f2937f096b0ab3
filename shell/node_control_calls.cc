#include "shell/node_control_calls.h"

#include <cmath>
#include <ostream>

#include "messages/codec.h"

#include "shell/cluster_client.h"
#include "shell/result_printer.h"

namespace bc::shell {

std::vector<NodeAnswer> call_per_node(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                                      const std::string& cmd, const msg::Value& extra,
                                      std::chrono::milliseconds extra_time) {
  std::vector<Call> calls;
  for (const auto& node : nodes) {
    msg::Value args = extra.is_map() ? extra : msg::Value::empty_map();
    args.set("node", node.name);
    calls.push_back({node.host, cmd, std::move(args), node.name});
  }
  ClusterClient client(ctx.zmq(), *ctx.cluster(), ctx.security());
  std::vector<Outcome> outcomes = client.run(calls, client.comm_timeout() + extra_time);
  std::vector<NodeAnswer> answers;
  for (std::size_t i = 0; i < nodes.size() && i < outcomes.size(); ++i) {
    NodeAnswer a{nodes[i], Status::ok(), msg::Value()};
    const Outcome& o = outcomes[i];
    if (!o.reply.is_ok()) {
      a.status = o.reply.status();
    } else if (!o.reply->ok) {
      a.status = msg::reply_status(*o.reply);
    } else if (o.reply->result) {
      a.result = *o.reply->result;
    }
    answers.push_back(std::move(a));
  }
  return answers;
}

std::vector<NodeAnswer> control_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                                      const std::string& cmd, const msg::Value& args) {
  msg::Value extra = msg::Value::empty_map();
  extra.set("cmd", cmd).set("args", args);
  // The supervisor gives the node CommTimeout; our deadline covers that and the trip to
  // the supervisor, so that a silent node is reported by name rather than as its host.
  const auto node_time = ctx.cluster()->options.get_millis("CommTimeout");
  return call_per_node(ctx, nodes, "node_control", extra, node_time);
}

std::string failure_text(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kConflict:
      return "not running";
    case ErrorCode::kUnsupported:
      return "not supported by this node program";
    default:
      return status.message();
  }
}

msg::Value answer_json(const NodeAnswer& answer) {
  msg::Value v = msg::Value::empty_map();
  v.set("node", answer.node.name).set("host", answer.node.host).set("ok", answer.ok());
  if (answer.ok()) {
    v.set("result", answer.result);
  } else {
    msg::Value e = msg::Value::empty_map();
    e.set("code", std::string(error_code_name(answer.status.code())))
        .set("message", answer.status.message());
    v.set("error", std::move(e));
  }
  return v;
}

int print_answers(ShellContext& ctx, const std::vector<NodeAnswer>& answers,
                  const AnswerPrinter& printer) {
  ResultPrinter<NodeAnswer> p;
  p.failed = [&](const NodeAnswer& a) {
    if (!a.ok()) return !(printer.tolerated && printer.tolerated(a));
    return printer.failed && printer.failed(a);
  };
  p.text = printer.text;
  p.json = [&](const NodeAnswer& a, msg::Value& array) {
    msg::Value entry = answer_json(a);
    if (printer.annotate) printer.annotate(a, entry);
    array.push_back(std::move(entry));
  };
  return print_results(ctx, answers, p);
}

}  // namespace bc::shell
