#include <set>

#include "node/script/loader.h"

namespace bc::node::script {
namespace {

std::string type_text(const Value& v) {
  return type_name(v.type(), v.element_type());
}

// Why `id` cannot change live, or empty when its new value can simply be applied.
std::string refusal(const Globals::Entry* old, const Globals::Entry* fresh) {
  if (old == nullptr) return "new id; declaring ids needs a restart";
  if (fresh == nullptr) return "removed id; removing ids needs a restart";
  if (old->value.type() != fresh->value.type() ||
      old->value.element_type() != fresh->value.element_type()) {
    return "type changed from " + type_text(old->value) + " to " + type_text(fresh->value) +
           "; needs a restart";
  }
  if (old->redef != fresh->redef || old->is_const != fresh->is_const)
    return "declaration changed (const/global or &redef); needs a restart";
  if (!old->redef && !(old->value == fresh->value))
    return "not &redef; changing it needs a restart";
  return {};
}

}  // namespace

UpdatePlan plan_update(const Globals& running, const Globals& fresh) {
  std::set<std::string> ids;
  for (auto& id : running.ids())
    ids.insert(std::move(id));
  for (auto& id : fresh.ids())
    ids.insert(std::move(id));
  UpdatePlan plan;
  for (const std::string& id : ids) {
    const Globals::Entry* old = running.entry(id);
    const Globals::Entry* now = fresh.entry(id);
    if (std::string why = refusal(old, now); !why.empty()) {
      plan.refused.emplace_back(id, std::move(why));
    } else if (!(old->value == now->value)) {
      plan.changed.push_back(id);
    }
  }
  return plan;
}

}  // namespace bc::node::script
