#include "config/node_profile.h"

#include <array>

#include "config/text_util.h"

namespace bc::config {
namespace {

constexpr std::array<std::string_view, 2> kNames = {"brocluster", "zeek"};

}  // namespace

std::string_view node_profile_name(NodeProfile profile) {
  return profile == NodeProfile::kZeek ? "zeek" : "brocluster";
}

std::optional<NodeProfile> node_profile_from_name(std::string_view name) {
  if (detail::iequal(name, "brocluster")) return NodeProfile::kBrocluster;
  if (detail::iequal(name, "zeek")) return NodeProfile::kZeek;
  return std::nullopt;
}

std::string invalid_profile_message(std::string_view value) {
  const std::string best = detail::closest_match(value, kNames);
  const std::string hint = best.empty() ? "" : "; did you mean '" + best + "'?";
  return "invalid value '" + std::string(value) + "' (expected " + std::string(kNodeProfileNames) +
         hint + ")";
}

NodeProfile effective_profile(const ClusterConfig& options, const NodeSpec& node) {
  const std::string& name = node.profile.empty() ? options.get("NodeProfile") : node.profile;
  return node_profile_from_name(name).value_or(NodeProfile::kBrocluster);
}

}  // namespace bc::config
