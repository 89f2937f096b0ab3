#pragma once
// A request that waits on several nodes (start, stop of a node list): the reply goes out
// when the last node has an outcome. Each node contributes one result entry; the reply is
// ok only if every node's outcome was ok, and always carries every node's entry so a
// partial failure names exactly which nodes failed and why.

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "common/status.h"
#include "messages/request.h"
#include "messages/value.h"

namespace bc::sup {

class PendingReply {
 public:
  using Sender = std::function<void(const msg::Reply&)>;

  PendingReply(std::uint64_t request_id, std::string cmd, Sender sender)
      : id_(request_id), cmd_(std::move(cmd)), sender_(std::move(sender)) {}

  // Declares that `node` will report; call for every node before the first report().
  void expect(const std::string& node) { waiting_.insert(node); }
  // Records a node's outcome; sends the reply once no node is outstanding. A second
  // report for the same node is ignored (the first outcome is the answer).
  void report(const std::string& node, const Status& outcome, msg::Value details = {});
  // Sends the reply now if no node is outstanding (a request that named no node).
  void seal() {
    if (!sent_ && waiting_.empty()) send();
  }
  bool done() const { return sent_; }
  const std::string& cmd() const { return cmd_; }

 private:
  void send();

  std::uint64_t id_;
  std::string cmd_;
  Sender sender_;
  std::set<std::string> waiting_;
  msg::Value nodes_ = msg::Value::empty_map();
  std::vector<std::string> failures_;
  ErrorCode first_error_ = ErrorCode::kOk;
  bool sent_ = false;
};

}  // namespace bc::sup
