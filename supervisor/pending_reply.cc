#include "supervisor/pending_reply.h"

#include "common/strings.h"

namespace bc::sup {

void PendingReply::report(const std::string& node, const Status& outcome, msg::Value details) {
  if (sent_ || waiting_.erase(node) == 0) return;
  if (!details.is_map()) details = msg::Value::empty_map();
  details.set("ok", outcome.is_ok());
  if (!outcome.is_ok()) {
    details.set("error", outcome.message());
    details.set("code", static_cast<std::uint64_t>(outcome.code()));
    failures_.push_back(outcome.message());
    if (first_error_ == ErrorCode::kOk) first_error_ = outcome.code();
  }
  nodes_.set(node, std::move(details));
  if (waiting_.empty()) send();
}

void PendingReply::send() {
  sent_ = true;
  msg::Value result = msg::Value::empty_map();
  result.set("nodes", std::move(nodes_));
  msg::Reply reply = msg::make_ok(id_, std::move(result));
  if (first_error_ != ErrorCode::kOk) {
    reply.ok = false;
    reply.error = msg::ReplyError{first_error_, join(failures_, "; ")};
  }
  sender_(reply);
}

}  // namespace bc::sup
