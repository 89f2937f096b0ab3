#include "common/slot_file.h"

#include <cstring>

#include "common/file_util.h"

namespace bc {
namespace {

constexpr char kMagic[8] = {'B', 'C', 'S', 'L', 'O', 'T', '1', '\n'};
constexpr std::size_t kHeader = sizeof kMagic + 3 * sizeof(std::uint64_t);
constexpr std::size_t kMaxPayload = 16u << 20;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_u64(std::string_view in, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

// FNV-1a over the sequence, the length and the payload: a torn or stale tail changes it.
std::uint64_t checksum(std::uint64_t seq, std::string_view payload) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (int i = 0; i < 8; ++i)
    mix(static_cast<unsigned char>((seq >> (8 * i)) & 0xff));
  const std::uint64_t len = payload.size();
  for (int i = 0; i < 8; ++i)
    mix(static_cast<unsigned char>((len >> (8 * i)) & 0xff));
  for (char c : payload)
    mix(static_cast<unsigned char>(c));
  return h;
}

}  // namespace

std::string encode_slot(std::uint64_t seq, std::string_view payload) {
  std::string out(kMagic, sizeof kMagic);
  put_u64(out, seq);
  put_u64(out, payload.size());
  put_u64(out, checksum(seq, payload));
  out.append(payload);
  return out;
}

bool decode_slot(std::string_view bytes, std::uint64_t* seq, std::string* payload) {
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return false;
  const std::uint64_t s = get_u64(bytes, 8);
  const std::uint64_t len = get_u64(bytes, 16);
  const std::uint64_t sum = get_u64(bytes, 24);
  if (len != bytes.size() - kHeader) return false;
  const std::string_view body = bytes.substr(kHeader);
  if (checksum(s, body) != sum) return false;
  *seq = s;
  payload->assign(body);
  return true;
}

SlotFile::SlotFile(std::string path, mode_t mode) : path_(std::move(path)), mode_(mode) {}

std::string SlotFile::slot_path(int slot) const {
  return path_ + (slot == 0 ? ".a" : ".b");
}

Result<std::string> SlotFile::load() {
  bool any = false;
  bool found = false;
  std::string best;
  std::string problems;
  for (int slot = 0; slot < 2; ++slot) {
    auto bytes = read_file(slot_path(slot), kMaxPayload + kHeader);
    if (!bytes.is_ok()) {
      if (bytes.status().code() == ErrorCode::kNotFound) continue;
      any = true;
      problems += (problems.empty() ? "" : "; ") + bytes.status().message();
      continue;
    }
    any = true;
    std::uint64_t seq = 0;
    std::string payload;
    if (!decode_slot(*bytes, &seq, &payload)) {
      problems += (problems.empty() ? "" : "; ") + slot_path(slot) + " is torn or not ours";
      continue;
    }
    if (!found || seq > seq_) {
      seq_ = seq;
      best = std::move(payload);
      found = true;
    }
  }
  if (found) return best;
  if (!any) return Status(ErrorCode::kNotFound, "no " + slot_path(0) + " or " + slot_path(1));
  return Status::bad_message(problems);
}

Status SlotFile::store(std::string_view payload) {
  const std::uint64_t next = seq_ + 1;
  Status s =
      write_file_in_place(slot_path(static_cast<int>(next % 2)), encode_slot(next, payload), mode_);
  if (s.is_ok()) seq_ = next;
  return s;
}

}  // namespace bc
