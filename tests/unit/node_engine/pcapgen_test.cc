// brocluster-pcapgen as users run it: deterministic output, readable by libpcap, errors
// on bad options.
#include <gtest/gtest.h>

#include "common/file_util.h"
#include "node/engine/packet_source.h"
#include "tests/support/run_process.h"

namespace bc::node::test {
namespace {

const std::string kGen = std::string(BC_BUILD_DIR) + "/tests/unit/node_engine/brocluster-pcapgen";

TEST(PcapgenTest, SameSeedSameBytesOtherSeedOtherBytes) {
  bc::test::TempDir dir;
  const std::string a = dir.path() + "/a.pcap", b = dir.path() + "/b.pcap",
                    c = dir.path() + "/c.pcap";
  for (const auto& [path, seed] : {std::pair{a, "5"}, std::pair{b, "5"}, std::pair{c, "6"}}) {
    const auto r = bc::test::run_process({kGen, "-o", path, "-n", "300", "-m",
                                          "http:1,dns:1,tcp:1,udp:1,icmp:1,scan:1", "-s", seed});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("300 flows"), std::string::npos) << r.out;
  }
  EXPECT_EQ(*bc::read_file(a, 64 << 20), *bc::read_file(b, 64 << 20));
  EXPECT_NE(*bc::read_file(a, 64 << 20), *bc::read_file(c, 64 << 20));
  auto src = PacketSource::open_offline(a, LbShare{});
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  int packets = 0;
  while ((*src)->dispatch(1000, [&](const PacketView&) { ++packets; }).is_ok()) {
  }
  EXPECT_GT(packets, 300 * 2);
}

TEST(PcapgenTest, BadMixAndUnwritableFileAreErrors) {
  bc::test::TempDir dir;
  auto r = bc::test::run_process({kGen, "-o", dir.path() + "/x.pcap", "-m", "http:1,ftp:2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown kind 'ftp'"), std::string::npos) << r.err;
  r = bc::test::run_process({kGen, "-o", "/nonexistent-dir/x.pcap"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent-dir/x.pcap"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bc::node::test
