#include "node/script/loader.h"

namespace bc::node::script {

const Value* Globals::find(std::string_view qualified_id) const {
  const Entry* e = entry(qualified_id);
  return e ? &e->value : nullptr;
}

bool Globals::is_redef(std::string_view id) const {
  const Entry* e = entry(id);
  return e && e->redef;
}

bool Globals::is_const(std::string_view id) const {
  const Entry* e = entry(id);
  return e && e->is_const;
}

std::vector<std::string> Globals::ids() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_)
    out.push_back(id);
  return out;
}

const Globals::Entry* Globals::entry(std::string_view id) const {
  // "GLOBAL::x" names the unqualified id, as in the scripts.
  if (id.rfind("GLOBAL::", 0) == 0) id.remove_prefix(8);
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void Globals::put(std::string id, Entry entry) {
  entries_[std::move(id)] = std::move(entry);
}

Status Globals::assign(std::string_view id, Value value) {
  if (id.rfind("GLOBAL::", 0) == 0) id.remove_prefix(8);
  const auto it = entries_.find(id);
  if (it == entries_.end())
    return Status::invalid_argument("unknown identifier '" + std::string(id) + "'");
  const Value& old = it->second.value;
  if (old.type() != value.type() || old.element_type() != value.element_type()) {
    return Status::invalid_argument("type mismatch for '" + std::string(id) + "': expected " +
                                    type_name(old.type(), old.element_type()) + ", got " +
                                    type_name(value.type(), value.element_type()));
  }
  it->second.value = std::move(value);
  return Status::ok();
}

}  // namespace bc::node::script
