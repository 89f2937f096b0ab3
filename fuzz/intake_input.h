#pragma once
// The input format of fuzz_intake, shared by the target and the tool that writes its seed
// corpus (intake_seeds.cc): one byte of flags, then a run of bus messages, each
//   [topic length: 1 byte][topic][body length: 2 bytes, little-endian][body],
// a body cut short by the end of the input taking what is left. Bit i % 8 of the flags:
// message i, when the collector takes it as a node_state, reached it first as the crash
// watch's notice (Collector::on_crash_notice), then from the bus. And the cluster they are
// fed against: two hosts, a manager, a proxy and workers on each.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bc::fuzz {

inline constexpr std::string_view kIntakeNodeCfg = R"([manager]
type=manager
host=h1

[proxy-1]
type=proxy
host=h1

[worker-1]
type=worker
host=h1
interface=eth0

[worker-2]
type=worker
host=h2
interface=eth0
lb_procs=2
)";

// More messages than this in one input add nothing that a shorter one cannot reach.
inline constexpr std::size_t kMaxIntakeMessages = 64;

struct BusMessage {
  std::string_view topic;
  std::string_view body;
};

struct IntakeInput {
  std::uint8_t notices = 0;
  std::vector<BusMessage> messages;
  bool notice_first(std::size_t i) const { return (notices >> (i % 8)) & 1; }
};

inline IntakeInput split_intake_input(std::string_view in) {
  IntakeInput input;
  if (in.empty()) return input;
  input.notices = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  std::vector<BusMessage>& out = input.messages;
  while (!in.empty() && out.size() < kMaxIntakeMessages) {
    const std::size_t topic_len = static_cast<std::uint8_t>(in[0]);
    in.remove_prefix(1);
    BusMessage m;
    m.topic = in.substr(0, topic_len);
    in.remove_prefix(m.topic.size());
    std::size_t body_len = in.size();
    if (in.size() >= 2) {
      body_len = static_cast<std::uint8_t>(in[0]) | (static_cast<std::uint8_t>(in[1]) << 8);
      in.remove_prefix(2);
    } else {
      in = {};
    }
    m.body = in.substr(0, body_len);
    in.remove_prefix(m.body.size());
    out.push_back(m);
  }
  return input;
}

// One message in that format (topics over 255 bytes and bodies over 65535 are cut).
inline std::string bus_message(std::string_view topic, std::string_view body) {
  topic = topic.substr(0, 255);
  body = body.substr(0, 65535);
  std::string out(1, static_cast<char>(topic.size()));
  out += topic;
  out += static_cast<char>(body.size() & 0xff);
  out += static_cast<char>(body.size() >> 8);
  out += body;
  return out;
}

}  // namespace bc::fuzz
