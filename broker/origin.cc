#include "broker/origin.h"

#include <spdlog/spdlog.h>

#include "security/command_policy.h"

namespace bc::broker {
OriginTable::OriginTable(std::string keys_dir, std::string daemon_host)
    : ring_(std::move(keys_dir)), daemon_host_(std::move(daemon_host)) {
  if (Status s = ring_.load(); !s.is_ok()) {
    spdlog::error("key lists: {}; no event is forwarded until they load", s.message());
  }
  rebuild();
}

void OriginTable::refresh() {
  if (Status s = ring_.refresh(); !s.is_ok()) {
    spdlog::error("key lists: {} (the previous lists stay in force)", s.message());
    return;
  }
  rebuild();
}

void OriginTable::rebuild() {
  origins_.clear();
  for (const security::KeyEntry& entry : ring_.lists().entries()) {
    Origin o;
    o.key = entry.name;
    switch (security::principal_of(entry)) {
      case security::Principal::kHost:
        o.kind = Origin::Kind::kHost;
        o.host = entry.name;
        break;
      case security::Principal::kDaemon:
        o.kind = Origin::Kind::kDaemon;
        o.host = daemon_host_;
        break;
      default:
        break;
    }
    origins_.emplace(entry.public_z85, std::move(o));
  }
}

const Origin* OriginTable::find(std::string_view user_id) const {
  const auto it = origins_.find(user_id);
  return it == origins_.end() ? nullptr : &it->second;
}

}  // namespace bc::broker
