#include "messages/envelope.h"

#include "messages/checks.h"

namespace bc::msg {

Status Envelope::validate() const {
  return first_error({check_non_empty("host", host), check_non_negative("ts", ts)});
}

}  // namespace bc::msg
