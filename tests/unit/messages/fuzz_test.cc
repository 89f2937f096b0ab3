// Deterministic fuzzing of every decoder: random buffers and mutations (bit flips,
// truncations, insertions, deletions, interesting bytes, splices) of valid encodings of
// every message. A decoder must return a Status or a message, never crash, throw or
// leak (run under -DBROCLUSTER_SANITIZE=ON for the last two). Whatever decodes must
// re-encode to bytes that decode again to the same encoding.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "sample_messages.h"

namespace bc::msg {
namespace {

using namespace testing;

constexpr int kBuffers = 100000;
// Bytes that make msgpack headers claim odd things: big containers, huge strings, ext,
// the never-used 0xc1, and fixmap/fixarray/fixstr boundaries.
constexpr std::uint8_t kInteresting[] = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                         0xc0, 0xc1, 0xc3, 0xc6, 0xc9, 0xcb, 0xcf, 0xd3,
                                         0xd4, 0xd8, 0xdb, 0xdd, 0xdf, 0xe0, 0xff};

// std::mt19937_64's output sequence is fixed by the standard, so runs are reproducible
// everywhere; distributions are not, hence plain modulo.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(gen_() % n); }
  char byte() { return static_cast<char>(gen_() & 0xff); }

 private:
  std::mt19937_64 gen_;
};

std::string random_bytes(Rng& rng) {
  std::string s(rng.below(64), '\0');
  for (char& c : s) {
    c = rng.byte();
  }
  // Half start like a map, so that more of them get past the first check.
  if (!s.empty() && rng.below(2) == 0) s[0] = static_cast<char>(0x80 | rng.below(16));
  return s;
}

void mutate_once(Rng& rng, std::string& s, const std::vector<std::string>& corpus) {
  switch (rng.below(6)) {
    case 0:  // bit flip
      if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1 << rng.below(8));
      break;
    case 1:  // truncation
      s.resize(rng.below(s.size() + 1));
      break;
    case 2:  // insertion of random bytes
      s.insert(rng.below(s.size() + 1), std::string(1 + rng.below(8), rng.byte()));
      break;
    case 3:  // deletion of a run
      if (!s.empty()) s.erase(rng.below(s.size()), 1 + rng.below(8));
      break;
    case 4:  // an interesting byte
      if (!s.empty()) {
        s[rng.below(s.size())] = static_cast<char>(kInteresting[rng.below(sizeof kInteresting)]);
      }
      break;
    default: {  // splice: our prefix, another encoding's suffix
      const std::string& other = corpus[rng.below(corpus.size())];
      s = s.substr(0, rng.below(s.size() + 1)) + other.substr(rng.below(other.size() + 1));
      break;
    }
  }
}

template <class M>
int try_decode(const std::string& bytes) {
  Result<M> m = decode<M>(bytes);
  if (!m) {
    EXPECT_NE(m.status().code(), ErrorCode::kOk);
    return 0;
  }
  const std::string again = encode(*m);
  Result<M> m2 = decode<M>(again);
  EXPECT_TRUE(m2.is_ok()) << m2.status().to_string();
  if (m2) {
    EXPECT_EQ(encode(*m2), again);
  }
  EXPECT_FALSE(to_json(*m).empty());
  return 1;
}

int decode_everything(const std::string& bytes) {
  int ok = try_decode<Heartbeat>(bytes) + try_decode<NodeStateChange>(bytes) +
           try_decode<NodeStats>(bytes) + try_decode<HostStats>(bytes) +
           try_decode<CrashReport>(bytes) + try_decode<Alert>(bytes) + try_decode<LogLine>(bytes) +
           try_decode<Request>(bytes) + try_decode<Reply>(bytes);
  (void)peek_type(bytes);
  (void)event_to_json(bytes);
  if (Result<Value> v = decode_value(bytes)) {
    EXPECT_EQ(encode_value(*decode_value(encode_value(*v))), encode_value(*v));
    (void)to_json(*v);
  }
  return ok;
}

TEST(Fuzz, DecodersSurviveGarbage) {
  const std::vector<std::string> corpus = sample_encodings();
  Rng rng(0xB0C1u);
  int decoded = 0;
  for (int i = 0; i < kBuffers; ++i) {
    std::string bytes;
    if (i % 4 == 0) {
      bytes = random_bytes(rng);
    } else {
      bytes = corpus[rng.below(corpus.size())];
      const std::size_t rounds = 1 + rng.below(3);
      for (std::size_t r = 0; r < rounds; ++r) {
        mutate_once(rng, bytes, corpus);
      }
    }
    decoded += decode_everything(bytes);
    if (::testing::Test::HasFailure()) FAIL() << "input #" << i << ": " << to_hex(bytes);
  }
  // Mutations must reach past the parser into field checks and sometimes survive them;
  // if none decoded, the mutator is only testing the first byte.
  EXPECT_GT(decoded, kBuffers / 100);
  RecordProperty("decoded", decoded);
}

}  // namespace
}  // namespace bc::msg
