// The lb_procs split: with procs = 2 and 3, every flow of a generated pcap lands in
// exactly one share, with both directions together (the same packet counts as a run
// over the whole file).
#include <gtest/gtest.h>

#include <set>

#include "node/engine/flow_hash.h"
#include "node/engine/packet_source.h"
#include "tests/support/run_process.h"
#include "tests/unit/node_engine/test_sink.h"
#include "tests/unit/node_engine/traffic_mix.h"

namespace bc::node::test {
namespace {

struct FlowCounts {
  std::string orig_pkts, resp_pkts, state;
  bool operator==(const FlowCounts&) const = default;
};
using FlowMap = std::map<std::string, FlowCounts>;  // by uid

FlowMap run_share(const std::string& pcap, LbShare share, std::size_t* packets) {
  auto src = PacketSource::open_offline(pcap, share);
  EXPECT_TRUE(src.is_ok()) << src.status().to_string();
  if (!src) return {};
  CollectSink sink;
  Engine e(EngineSettings{}, sink, (*src)->linktype());
  std::int64_t last = 0;
  for (;;) {
    auto n = (*src)->dispatch(1000, [&](const PacketView& v) {
      e.process(v);
      last = v.ts_us;
    });
    if (!n) {
      EXPECT_TRUE(is_end_of_input(n.status())) << n.status().to_string();
      break;
    }
  }
  e.flush_all(last + 1'000'000);
  *packets = (*src)->stats().received;
  FlowMap m;
  for (const auto& r : sink.of("conn")) {
    const auto f = fields(r);
    m[f.at("uid")] = {f.at("orig_pkts"), f.at("resp_pkts"), f.at("conn_state")};
  }
  return m;
}

class LbSplitTest : public ::testing::TestWithParam<int> {};

TEST_P(LbSplitTest, EveryFlowInExactlyOneShareWithBothDirections) {
  bc::test::TempDir dir;
  const std::string pcap = dir.path() + "/mix.pcap";
  bc::test::MixOptions o;
  o.flows = 3000;
  o.mix = "http:2,dns:2,tcp:1,udp:1,icmp:1,scan:1";
  o.seed = 7;
  const auto w = bc::test::write_mix(pcap, o);
  ASSERT_TRUE(w.ok) << w.error;

  std::size_t total_packets = 0;
  const FlowMap whole = run_share(pcap, LbShare{}, &total_packets);
  ASSERT_GT(whole.size(), 2900u);

  const int procs = GetParam();
  std::size_t packets_sum = 0;
  std::map<std::string, int> seen;
  for (int i = 1; i <= procs; ++i) {
    std::size_t packets = 0;
    const FlowMap share = run_share(pcap, LbShare{i, procs}, &packets);
    packets_sum += packets;
    // Fair enough: every share gets a good part of the flows.
    EXPECT_GT(share.size(), whole.size() / procs / 2) << "share " << i;
    for (const auto& [uid, counts] : share) {
      ++seen[uid];
      auto it = whole.find(uid);
      ASSERT_NE(it, whole.end()) << "flow " << uid << " of share " << i << " is split";
      EXPECT_EQ(counts, it->second) << "flow " << uid << " differs in share " << i;
    }
  }
  EXPECT_EQ(packets_sum, total_packets);
  EXPECT_EQ(seen.size(), whole.size());
  for (const auto& [uid, n] : seen)
    EXPECT_EQ(n, 1) << uid;
}

INSTANTIATE_TEST_SUITE_P(Procs, LbSplitTest, ::testing::Values(2, 3));

TEST(LbSplitTest, ShareOfIsSymmetric) {
  bc::test::PcapBuilder b;
  for (int i = 0; i < 200; ++i) {
    const std::string c = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    b.udp(kT0, c, static_cast<std::uint16_t>(1000 + i), "198.18.0.1", 53, "q");
    b.udp(kT0, "198.18.0.1", 53, c, static_cast<std::uint16_t>(1000 + i), "a");
    b.set_vlan(i % 2 ? std::optional<std::uint16_t>(5) : std::nullopt);
  }
  for (int procs : {2, 3, 4}) {
    for (std::size_t k = 0; k + 1 < b.frames().size(); k += 2) {
      EXPECT_EQ(share_of(view_of(b.frames()[k]), 1, procs),
                share_of(view_of(b.frames()[k + 1]), 1, procs));
    }
  }
}

}  // namespace
}  // namespace bc::node::test
