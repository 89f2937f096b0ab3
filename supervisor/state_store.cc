#include "supervisor/state_store.h"

#include "common/file_util.h"
#include "common/strings.h"
#include "messages/codec.h"

namespace bc::sup {
namespace {

constexpr std::int64_t kFormatVersion = 1;

msg::Value node_value(const PersistedNode& n) {
  msg::Value v = msg::Value::empty_map();
  v.set("state", std::string(state_name(n.state)))
      .set("desired", std::string(desired_name(n.desired)))
      .set("pid", n.pid)
      .set("start_ticks", n.start_ticks)
      .set("started_at", n.started_at_us)
      .set("configured", n.configured)
      .set("type", n.type)
      .set("program", n.program)
      .set("started_version", n.started_version);
  return v;
}

Result<PersistedNode> node_from(const msg::Value& v) {
  PersistedNode n;
  auto state = v.get_string("state");
  auto desired = v.get_string("desired");
  auto pid = v.get_int("pid");
  auto ticks = v.get_uint("start_ticks");
  auto started = v.get_int("started_at");
  if (!state.is_ok() || !desired.is_ok() || !pid.is_ok() || !ticks.is_ok() || !started.is_ok()) {
    return Status::bad_message("state file: node entry lacks a field");
  }
  auto s = state_from_name(*state);
  auto d = desired_from_name(*desired);
  if (!s || !d) return Status::bad_message("state file: unknown state '" + *state + "'");
  n.state = *s;
  n.desired = *d;
  n.pid = *pid;
  n.start_ticks = *ticks;
  n.started_at_us = *started;
  // Added after format 1 was first written: optional.
  n.configured = v.get_bool("configured").value_or(true);
  n.type = v.get_string("type").value_or("");
  n.program = v.get_string("program").value_or("");
  n.started_version = v.get_string("started_version").value_or("");
  return n;
}

}  // namespace

std::string encode_state(const PersistedState& state) {
  msg::Value nodes = msg::Value::empty_map();
  for (const auto& [name, node] : state.nodes)
    nodes.set(name, node_value(node));
  msg::Value root = msg::Value::empty_map();
  root.set("format", kFormatVersion)
      .set("host", state.host)
      .set("boot_id", state.boot_id)
      .set("version", state.version)
      .set("nodes", std::move(nodes));
  return msg::encode_value(root);
}

Result<PersistedState> decode_state(std::string_view bytes) {
  auto root = msg::decode_value(bytes);
  if (!root.is_ok()) return root.status();
  auto format = root->get_int("format");
  if (!format.is_ok() || *format != kFormatVersion) {
    return Status::bad_message("state file: unknown format");
  }
  PersistedState state;
  auto host = root->get_string("host");
  auto boot = root->get_string("boot_id");
  auto version = root->get_uint("version");
  const msg::Value* nodes = root->find("nodes");
  if (!host.is_ok() || !boot.is_ok() || !version.is_ok() || nodes == nullptr || !nodes->is_map()) {
    return Status::bad_message("state file: missing host, boot_id, version or nodes");
  }
  state.host = *host;
  state.boot_id = *boot;
  state.version = *version;
  for (const auto& [name, value] : *nodes->as_map()) {
    auto node = node_from(value);
    if (!node.is_ok()) return node.status();
    state.nodes.emplace(name, *node);
  }
  return state;
}

StateFile::StateFile(std::string path) : legacy_path_(path), slots_(std::move(path)) {}

Result<PersistedState> StateFile::load() {
  auto bytes = slots_.load();
  std::string from = legacy_path_ + ".{a,b}";
  if (!bytes.is_ok() && bytes.status().code() == ErrorCode::kNotFound) {
    bytes = read_file(legacy_path_, 16u << 20);
    from = legacy_path_;
  }
  if (!bytes.is_ok()) return bytes.status();
  auto state = decode_state(*bytes);
  if (!state.is_ok()) return Status::bad_message(from + ": " + state.status().message());
  return state;
}

Status StateFile::save(const PersistedState& state) {
  return slots_.store(encode_state(state));
}

std::string current_boot_id() {
  auto id = read_file("/proc/sys/kernel/random/boot_id", 128);
  return id.is_ok() ? std::string(trim(*id)) : std::string();
}

}  // namespace bc::sup
