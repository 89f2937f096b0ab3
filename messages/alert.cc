#include "messages/alert.h"

#include "messages/checks.h"

namespace bc::msg {

Status Alert::validate() const {
  Status s = first_error({
      env.validate(),
      check_token("kind", kind),
      check_one_of("severity", severity, kSeverities),
      check_non_empty("message", message),
  });
  if (!s.is_ok()) return s;
  if (subject_host && subject_host->empty()) return check_non_empty("subject_host", "");
  if (node && node->empty()) return check_non_empty("node", "");
  return Status::ok();
}

Status LogLine::validate() const {
  Status s = first_error({
      env.validate(),
      check_one_of("level", level, kLogLevels),
      check_non_empty("component", component),
  });
  if (!s.is_ok()) return s;
  if (node && node->empty()) return check_non_empty("node", "");
  return Status::ok();
}

std::string topic_for(const Alert& m) {
  return "alert." + m.kind;
}
std::string topic_for(const LogLine& m) {
  return "log." + m.env.host;
}

}  // namespace bc::msg
