#include "install/wire.h"

#include "common/os_error.h"

namespace bc::install {
namespace {

Status not_a_map(std::string_view what) {
  return Status::bad_message(std::string(what) + " is not a map");
}

Result<FileEntry> parse_file(const msg::Value& v, std::size_t index) {
  if (!v.is_map()) return not_a_map("files[" + std::to_string(index) + "]");
  FileEntry f;
  Result<std::string> path = v.get_string("path");
  Result<std::uint64_t> mode = v.get_uint("mode");
  Result<std::uint64_t> size = v.get_uint("size");
  Result<std::string> sha = v.get_string("sha256");
  for (const Status& s : {path.status(), mode.status(), size.status(), sha.status()}) {
    if (!s) {
      return Status::bad_message("files[" + std::to_string(index) + "]: " + s.message());
    }
  }
  if (*mode > 07777) return Status::bad_message("files[" + std::to_string(index) + "]: bad mode");
  return FileEntry{*path, static_cast<std::uint32_t>(*mode), *size, *sha};
}

}  // namespace

msg::Value begin_args(const Manifest& manifest) {
  msg::Value files = msg::Value::empty_array();
  for (const FileEntry& f : manifest.files) {
    msg::Value entry = msg::Value::empty_map();
    entry.set("path", f.path).set("mode", f.mode).set("size", f.size).set("sha256", f.sha256);
    files.push_back(std::move(entry));
  }
  msg::Value v = msg::Value::empty_map();
  v.set("version", manifest.version).set("files", std::move(files));
  return v;
}

msg::Value chunk_args(std::string_view version, std::string_view path, std::uint64_t offset,
                      std::string_view bytes) {
  msg::Binary data;
  data.bytes.assign(bytes.begin(), bytes.end());
  msg::Value v = msg::Value::empty_map();
  v.set("version", version).set("path", path).set("offset", offset).set("data", std::move(data));
  return v;
}

msg::Value commit_args(std::string_view version) {
  msg::Value v = msg::Value::empty_map();
  v.set("version", version);
  return v;
}

Result<Manifest> parse_begin_args(const msg::Value& args) {
  if (!args.is_map()) return not_a_map("install begin args");
  Result<std::string> version = args.get_string("version");
  if (!version) return Status::bad_message(version.status().message());
  const msg::Value* files = args.find("files");
  if (files == nullptr || !files->is_array()) {
    return Status::bad_message("install begin args need a 'files' array");
  }
  Manifest m;
  m.version = *version;
  m.files.reserve(files->as_array()->size());
  for (const msg::Value& v : *files->as_array()) {
    Result<FileEntry> f = parse_file(v, m.files.size());
    if (!f) return f.status();
    m.files.push_back(std::move(f).value());
  }
  return m;
}

Result<ChunkArgs> parse_chunk_args(const msg::Value& args) {
  if (!args.is_map()) return not_a_map("install chunk args");
  Result<std::string> version = args.get_string("version");
  Result<std::string> path = args.get_string("path");
  Result<std::uint64_t> offset = args.get_uint("offset");
  for (const Status& s : {version.status(), path.status(), offset.status()}) {
    if (!s) return Status::bad_message("install chunk: " + s.message());
  }
  const msg::Value* data = args.find("data");
  if (data == nullptr || data->as_binary() == nullptr) {
    return Status::bad_message("install chunk: 'data' is missing or not binary");
  }
  const auto& bytes = data->as_binary()->bytes;
  return ChunkArgs{*version, *path, *offset,
                   std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())};
}

Result<std::string> parse_commit_args(const msg::Value& args) {
  if (!args.is_map()) return not_a_map("install commit args");
  Result<std::string> version = args.get_string("version");
  if (!version) return Status::bad_message("install commit: " + version.status().message());
  return version;
}

msg::Value begin_reply(const BeginReply& reply, std::uint64_t reused) {
  msg::Value need = msg::Value::empty_array();
  for (const std::string& p : reply.need)
    need.push_back(p);
  msg::Value v = msg::Value::empty_map();
  v.set("version", reply.version)
      .set("need", std::move(need))
      .set("reused", reused)
      .set("already_installed", reply.already_installed);
  return v;
}

Result<BeginReply> parse_begin_reply(const msg::Value& reply) {
  if (!reply.is_map()) return not_a_map("install begin reply");
  BeginReply out;
  Result<std::string> version = reply.get_string("version");
  if (!version) return Status::bad_message(version.status().message());
  out.version = *version;
  out.already_installed = reply.get_bool("already_installed").value_or(false);
  const msg::Value* need = reply.find("need");
  if (need == nullptr || !need->is_array()) {
    return Status::bad_message("install begin reply needs a 'need' array");
  }
  for (const msg::Value& p : *need->as_array()) {
    const std::string* s = p.as_string();
    if (s == nullptr) return Status::bad_message("install begin reply: 'need' holds a non-string");
    out.need.push_back(*s);
  }
  return out;
}

msg::Value chunk_reply(std::string_view version, std::string_view path, std::uint64_t received) {
  msg::Value v = msg::Value::empty_map();
  v.set("version", version).set("path", path).set("received", received);
  return v;
}

msg::Value commit_reply(std::string_view version, const std::optional<std::string>& previous,
                        bool already_installed) {
  msg::Value v = msg::Value::empty_map();
  v.set("version", version)
      .set("previous", previous ? msg::Value(*previous) : msg::Value())
      .set("already_installed", already_installed);
  return v;
}

}  // namespace bc::install
