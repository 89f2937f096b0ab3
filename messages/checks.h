#pragma once
// Small validation helpers used by the validate() of every message. Each returns
// Status::ok() or a kBadMessage naming the field, so that a validate() reads as a list.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "common/status.h"

namespace bc::msg {

Status check_non_empty(std::string_view field, std::string_view value);
Status check_one_of(std::string_view field, std::string_view value,
                    std::span<const std::string_view> allowed);
Status check_non_negative(std::string_view field, std::int64_t value);
// Rejects NaN, infinities and negatives.
Status check_finite_non_negative(std::string_view field, double value);
// A topic segment: non-empty, only [a-z0-9_-], so that prefix subscriptions stay exact.
Status check_token(std::string_view field, std::string_view value);
// The first failing Status of the list, or ok.
Status first_error(std::initializer_list<Status> checks);

}  // namespace bc::msg
