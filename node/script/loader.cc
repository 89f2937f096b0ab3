#include "node/script/loader.h"

namespace bc::node::script {

// Temporary stub so that node/process compiles against the headers.
Result<Program> load_scripts(const std::vector<std::string>&, const LoadOptions&,
                             std::vector<Diagnostic>& errors) {
  errors.push_back({"<node scripts>", 0, 0, "policy scripts not implemented yet"});
  return Status::unsupported("policy scripts not implemented yet");
}

LoadOptions load_options_for(const config::ClusterConfig&) {
  return {};
}

UpdatePlan plan_update(const Globals&, const Globals&) {
  return {};
}

const Value* Globals::find(std::string_view id) const {
  const Entry* e = entry(id);
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
  for (const auto& [id, e] : entries_)
    out.push_back(id);
  return out;
}
const Globals::Entry* Globals::entry(std::string_view id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}
void Globals::put(std::string id, Entry entry) {
  entries_[std::move(id)] = std::move(entry);
}
Status Globals::assign(std::string_view id, Value value) {
  const auto it = entries_.find(id);
  if (it == entries_.end())
    return Status::invalid_argument("unknown identifier '" + std::string(id) + "'");
  it->second.value = std::move(value);
  return Status::ok();
}

}  // namespace bc::node::script
