// Malformed input never crashes the engine: random bytes, every truncation of valid
// frames of each kind, corrupted header fields. (Run under ASan/UBSan in CI.)
#include <gtest/gtest.h>

#include <fstream>

#include "node/engine/packet_source.h"
#include "tests/support/run_process.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

bc::test::PcapBuilder valid_frames() {
  bc::test::PcapBuilder b;
  bc::test::TcpSession t(b, "10.0.0.1", 1000, "198.18.0.1", 80);
  t.handshake(kT0);
  t.client_send(kT0 + 10, bc::test::http_request("POST", "/", "h", "ua", "body"));
  t.server_send(kT0 + 20,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  b.udp(kT0 + 30, "10.0.0.1", 1001, "198.18.0.53", 53,
        bc::test::dns_response(1, "a.b.example", 1, 0, {{5, 1, "c.example"}, {1, 1, "1.2.3.4"}}));
  b.icmp(kT0 + 40, "10.0.0.1", "198.18.0.1", 8, 0);
  b.set_vlan(7);
  bc::test::TcpSession v6(b, "2001:db8::1", 1000, "2001:db8::2", 53);
  v6.handshake(kT0 + 50);
  v6.client_send(kT0 + 60, std::string("\x00\x05hello", 7));
  return b;
}

TEST(FuzzTest, EveryTruncationOfValidFrames) {
  const auto b = valid_frames();
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  for (const auto& f : b.frames()) {
    for (std::size_t n = 0; n <= f.bytes.size(); ++n) {
      bc::test::Frame cut{f.ts_us, f.bytes.substr(0, n),
                          static_cast<std::uint32_t>(f.bytes.size())};
      e.process(view_of(cut));
    }
  }
  e.flush_all(kT0 + 1'000'000'000);
  EXPECT_GT(e.counters().malformed, 0u);
}

TEST(FuzzTest, RandomBytesAndCorruptedFields) {
  const auto b = valid_frames();
  Rng rng{12345};
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  std::int64_t ts = kT0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes;
    if (round % 2 == 0) {
      bytes.resize(rng.next() % 200);
      for (auto& c : bytes)
        c = static_cast<char>(rng.next());
      if (bytes.size() > 14 && round % 4 == 0) {  // make most of them look like IP
        bytes[12] = (round % 8 == 0) ? '\x08' : '\x86';
        bytes[13] = (round % 8 == 0) ? '\x00' : '\xdd';
        bytes[14] = (round % 8 == 0) ? '\x45' : '\x60';
      }
    } else {
      bytes = b.frames()[rng.next() % b.frames().size()].bytes;
      for (int flips = 1 + static_cast<int>(rng.next() % 4); flips > 0; --flips) {
        bytes[rng.next() % bytes.size()] = static_cast<char>(rng.next());
      }
    }
    ts += static_cast<std::int64_t>(rng.next() % 100000);
    bc::test::Frame f{ts, bytes, static_cast<std::uint32_t>(bytes.size())};
    e.process(view_of(f));
  }
  e.flush_all(ts + 1'000'000'000);
  EXPECT_EQ(e.counters().packets, 20000u);
  EXPECT_EQ(e.counters().flows_active, 0u);
}

TEST(FuzzTest, EmptyAndNullPacket) {
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  e.process(PacketView{kT0, nullptr, 0, 0});
  std::uint8_t one = 0x45;
  e.process(PacketView{kT0, &one, 1, 60});
  for (int lt : {0, 12, 101, 113, 999}) {
    e.set_linktype(lt);
    e.process(PacketView{kT0, &one, 1, 1});
  }
  EXPECT_EQ(e.counters().packets, 7u);
}

// Corrupt pcap files: the source reports an error naming the file or reads to the end;
// whatever it hands out the engine digests.
TEST(FuzzTest, CorruptPcapFiles) {
  const std::string good = valid_frames().pcap_bytes();
  bc::test::TempDir dir;
  Rng rng{99};
  for (int round = 0; round < 200; ++round) {
    std::string bytes = good;
    if (round % 3 == 0) bytes.resize(25 + rng.next() % (bytes.size() - 25));  // truncated
    for (int flips = static_cast<int>(rng.next() % 8); flips > 0; --flips) {
      bytes[24 + rng.next() % (bytes.size() - 24)] = static_cast<char>(rng.next());
    }
    const std::string path = dir.path() + "/f" + std::to_string(round) + ".pcap";
    { std::ofstream(path, std::ios::binary) << bytes; }
    auto src = PacketSource::open_offline(path, LbShare{1, 2});
    ASSERT_TRUE(src.is_ok()) << src.status().to_string();
    CollectSink sink;
    Engine e(EngineSettings{}, sink);
    for (int i = 0; i < 1000; ++i) {
      auto n = (*src)->dispatch(64, [&](const PacketView& v) { e.process(v); });
      if (!n) {
        if (!is_end_of_input(n.status())) {
          EXPECT_NE(n.status().message().find(path), std::string::npos) << n.status().message();
        }
        break;
      }
    }
    e.flush_all(kT0 + 1'000'000'000);
  }
}

}  // namespace
}  // namespace bc::node::test
