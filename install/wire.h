#pragma once
// The install conversation's request args and replies, as msg::Value maps (request args
// of the install_begin / install_chunk / install_commit commands):
//
//   begin  {version, files:[{path, mode, size, sha256}]}
//       -> {version, need:[path], reused, already_installed}
//   chunk  {version, path, offset, data:binary}     (data at most kChunkBytes)
//       -> {version, path, received}
//   commit {version}
//       -> {version, previous|nil, already_installed}
//
// The sender sends a chunk for every byte of every file in `need`, in order, with offsets
// sequential per file; empty files are never sent (the receiver creates them). Parsers
// check types and presence only; the receiver checks meaning (validate_manifest).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "install/manifest.h"
#include "messages/value.h"

namespace bc::install {

inline constexpr std::size_t kChunkBytes = 256u << 10;

msg::Value begin_args(const Manifest& manifest);
msg::Value chunk_args(std::string_view version, std::string_view path, std::uint64_t offset,
                      std::string_view bytes);
msg::Value commit_args(std::string_view version);

// Not validated beyond types: the caller runs validate_manifest.
Result<Manifest> parse_begin_args(const msg::Value& args);

struct ChunkArgs {
  std::string version;
  std::string path;
  std::uint64_t offset = 0;
  std::string_view data;  // points into the parsed Value: valid while it lives
};
Result<ChunkArgs> parse_chunk_args(const msg::Value& args);

Result<std::string> parse_commit_args(const msg::Value& args);

struct BeginReply {
  std::string version;
  std::vector<std::string> need;
  bool already_installed = false;
};
msg::Value begin_reply(const BeginReply& reply, std::uint64_t reused);
Result<BeginReply> parse_begin_reply(const msg::Value& reply);

msg::Value chunk_reply(std::string_view version, std::string_view path, std::uint64_t received);
// `previous` nil when there was no current version.
msg::Value commit_reply(std::string_view version, const std::optional<std::string>& previous,
                        bool already_installed);

}  // namespace bc::install
