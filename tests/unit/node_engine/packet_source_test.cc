// PacketSource: offline reading, end of input, BPF, errors naming file or interface, and
// live capture on loopback (non-blocking, selectable fd, stats; AF_PACKET fanout split).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>

#include "node/engine/decode.h"
#include "node/engine/packet_source.h"
#include "tests/support/run_process.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(PacketSourceTest, MissingFileIsNamed) {
  auto r = PacketSource::open_offline("/nonexistent/x.pcap", LbShare{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("/nonexistent/x.pcap"), std::string::npos);
}

TEST(PacketSourceTest, GarbageFileIsNamed) {
  bc::test::TempDir dir;
  dir.write("junk.pcap", "this is not a pcap file at all");
  auto r = PacketSource::open_offline(dir.path() + "/junk.pcap", LbShare{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("junk.pcap"), std::string::npos);
}

TEST(PacketSourceTest, BadShareAndBadFilterAreRefused) {
  bc::test::TempDir dir;
  bc::test::PcapBuilder b;
  b.udp(kT0, "10.0.0.1", 1, "10.0.0.2", 2, "x");
  ASSERT_TRUE(b.write(dir.path() + "/a.pcap"));
  EXPECT_FALSE(PacketSource::open_offline(dir.path() + "/a.pcap", LbShare{3, 2}).is_ok());
  auto r = PacketSource::open_offline(dir.path() + "/a.pcap", LbShare{}, "port not-a-port");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("a.pcap"), std::string::npos);
}

TEST(PacketSourceTest, OfflineDispatchInBatchesThenEndOfInput) {
  bc::test::TempDir dir;
  bc::test::PcapBuilder b;
  for (int i = 0; i < 25; ++i)
    b.udp(kT0 + i, "10.0.0.1", 1, "10.0.0.2", static_cast<std::uint16_t>(i), "x");
  ASSERT_TRUE(b.write(dir.path() + "/a.pcap"));
  auto src =
      PacketSource::open_offline(dir.path() + "/a.pcap", LbShare{}, "udp port 3 or udp port 4");
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  EXPECT_EQ((*src)->selectable_fd(), -1);
  int got = 0;
  auto n = (*src)->dispatch(1, [&](const PacketView&) { ++got; });
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 1);
  n = (*src)->dispatch(10, [&](const PacketView&) { ++got; });
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 1);
  n = (*src)->dispatch(10, [&](const PacketView&) { ++got; });
  ASSERT_FALSE(n.is_ok());
  EXPECT_TRUE(is_end_of_input(n.status()));
  EXPECT_EQ(got, 2);
  EXPECT_EQ((*src)->stats().received, 2u);
}

TEST(PacketSourceTest, UnknownInterfaceIsNamed) {
  auto r = PacketSource::open_live("nosuchif0", LiveOptions{});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("nosuchif0"), std::string::npos);
}

// Sends UDP datagrams on loopback to `port`, each from its own source port: the sockets
// stay open until all are sent, so the kernel cannot hand out an ephemeral port twice.
void send_udp(std::uint16_t port, int count) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    const int s = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(s, 0);
    fds.push_back(s);
    sendto(s, "ping", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  for (int s : fds)
    close(s);
}

// Polls `sources` until `want` packets to `port` arrived in total or the deadline passes;
// returns the UDP source ports each source saw.
std::vector<std::set<std::uint16_t>> collect(std::vector<PacketSource*> sources, std::uint16_t port,
                                             std::size_t want) {
  std::vector<std::set<std::uint16_t>> seen(sources.size());
  std::size_t total = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (total < want && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    for (auto* s : sources)
      fds.push_back({s->selectable_fd(), POLLIN, 0});
    poll(fds.data(), fds.size(), 100);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      auto n = sources[i]->dispatch(100, [&](const PacketView& v) {
        DecodedPacket d;
        if (decode_packet(v, sources[i]->linktype(), d) && d.proto == kProtoUdp &&
            d.dport == port) {
          seen[i].insert(d.sport);
          ++total;
        }
      });
      EXPECT_TRUE(n.is_ok()) << n.status().to_string();
    }
  }
  return seen;
}

TEST(PacketSourceTest, LiveLoopbackCaptureCountsPackets) {
  auto src = PacketSource::open_live("lo", LiveOptions{});
  if (!src.is_ok()) GTEST_SKIP() << "no capture permission: " << src.status().to_string();
  EXPECT_GE((*src)->selectable_fd(), 0);
  // Nothing sent yet on our port: dispatch returns at once (non-blocking).
  const auto t0 = Clock::now();
  ASSERT_TRUE((*src)->dispatch(10, [](const PacketView&) {}).is_ok());
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1));
  send_udp(39123, 20);
  const auto seen = collect({src->get()}, 39123, 20);
  EXPECT_EQ(seen[0].size(), 20u);
  EXPECT_GE((*src)->stats().received, 20u);
  EXPECT_GE((*src)->stats().link, 20u);
}

TEST(PacketSourceTest, LiveFanoutSplitsFlowsBetweenTheGroup) {
  LiveOptions a, b;
  a.share = {1, 2};
  b.share = {2, 2};
  a.group = b.group = "fanout-test";
  auto s1 = PacketSource::open_live("lo", a);
  if (!s1.is_ok()) GTEST_SKIP() << "no capture permission: " << s1.status().to_string();
  auto s2 = PacketSource::open_live("lo", b);
  ASSERT_TRUE(s2.is_ok()) << s2.status().to_string();
  EXPECT_TRUE((*s1)->kernel_fanout());
  EXPECT_TRUE((*s2)->kernel_fanout());
  send_udp(39124, 200);
  const auto seen = collect({s1->get(), s2->get()}, 39124, 200);
  // Each flow (source port) in exactly one member, and both members got some.
  for (auto p : seen[0])
    EXPECT_EQ(seen[1].count(p), 0u) << p;
  EXPECT_EQ(seen[0].size() + seen[1].size(), 200u);
  EXPECT_GT(seen[0].size(), 20u);
  EXPECT_GT(seen[1].size(), 20u);
}

}  // namespace
}  // namespace bc::node::test
