#pragma once
// The supervisor's side of the control channel to Zeek nodes (docs/ZEEK.md, "Control
// channel"): `print`, `netstats` and `peerstatus` for a node of profile zeek go as one
// WebSocket conversation (Zeek >= 8.0, JSON v1) to the listener of the manager or
// standalone node, which the Zeek cluster relays to the node asked. Each request
// subscribes to a reply topic of its own and names it in the request event of our script
// package (policy/zeek/brocluster/control.zeek), so concurrent askers never see each
// other's answers. The answer is turned into the result our own node program gives for
// the same command (docs/NODE-PROTOCOL.md §3), so the shell prints both alike.
//
// A conversation blocks (net::WebSocketClient, deadline on every wait), so each runs on a
// thread of its own; its reply comes back to the event loop through an eventfd the loop
// polls. ZeekControlProxy is owned by the event loop thread; only the loop calls it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "messages/json_reader.h"
#include "messages/request.h"
#include "messages/value.h"

namespace bc::sup {

// Where to ask and whom.
struct ZeekControlTarget {
  std::string address;  // the listener's numeric address
  int port = 0;
  std::string node;        // the node's name, for messages
  std::string node_topic;  // its Cluster::node: the name, "" for a standalone node
};

inline constexpr std::string_view kZeekRequestTopicPrefix = "zeek/brocluster/control/request/";
inline constexpr std::string_view kZeekReplyTopicPrefix = "zeek/brocluster/control/reply/";

// The topic a node takes our requests on (control.zeek subscribes to it).
// Whether a Zeek node answers `cmd` over the control channel (print, netstats, peerstatus).
bool zeek_answers(const std::string& cmd);

std::string zeek_request_topic(const std::string& node_topic);

// The data-message of request `cmd` (print with args {id}, netstats, peerstatus) for
// `target`, answered on `reply_topic`. Errors: another command, print without an id.
Result<std::string> zeek_request_message(const std::string& cmd, const msg::Value& args,
                                         const ZeekControlTarget& target,
                                         const std::string& reply_topic);

// What the server said to the subscription: ok for an ack, else its error.
Status zeek_check_ack(const msg::Json& message);

// The result of `cmd` from a data-message on the reply topic, in our node's shape:
// print {id, value}, netstats {node, capturing, received, dropped, link}, peerstatus
// {node, peers: [{node, role, endpoint, state}]}. An unknown id is kNotFound.
Result<msg::Value> zeek_result(const std::string& cmd, const msg::Value& args,
                               const ZeekControlTarget& target, const msg::Json& message);

// One whole conversation, blocking until an answer or `deadline`.
Result<msg::Value> ask_zeek(const ZeekControlTarget& target, const std::string& cmd,
                            const msg::Value& args, const std::string& reply_topic,
                            std::chrono::steady_clock::time_point deadline);

class ZeekControlProxy {
 public:
  using Responder = std::function<void(const msg::Reply&)>;
  using TimePoint = std::chrono::steady_clock::time_point;

  // Each request in flight holds a thread and a connection.
  static constexpr std::size_t kMaxInFlight = 16;

  // `host` goes into reply topics, with our pid and a counter and random bits.
  explicit ZeekControlProxy(std::string host);
  ~ZeekControlProxy();
  ZeekControlProxy(const ZeekControlProxy&) = delete;
  ZeekControlProxy& operator=(const ZeekControlProxy&) = delete;

  // Asks `target`; `respond` gets exactly one reply with `client_id`, from on_readable(),
  // at the latest shortly after `deadline` (`timeout_ms` names it in the message). An error
  // return means nothing was started and `respond` will not be called.
  Status start(const ZeekControlTarget& target, std::uint64_t client_id, const std::string& cmd,
               const msg::Value& args, TimePoint deadline, long timeout_ms, Responder respond);

  // The eventfd to poll for POLLIN; then on_readable() hands out the finished replies.
  int fd() const;
  void on_readable();
  std::size_t in_flight() const { return responders_.size(); }

 private:
  struct Shared;  // the queue of finished replies and the eventfd, shared with the threads
  std::string next_reply_topic();

  std::string host_;
  std::uint64_t next_key_ = 1;
  std::shared_ptr<Shared> shared_;
  std::map<std::uint64_t, std::pair<std::thread, Responder>> responders_;
};

}  // namespace bc::sup
