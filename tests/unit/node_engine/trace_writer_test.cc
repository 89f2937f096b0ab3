// TraceWriter: what it writes libpcap reads back, packet for packet.
#include <gtest/gtest.h>

#include <pcap/pcap.h>

#include "node/engine/packet_source.h"
#include "node/engine/trace_writer.h"
#include "tests/support/run_process.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

TEST(TraceWriterTest, WrittenTraceReadsBackWithLibpcap) {
  bc::test::PcapBuilder b;
  bc::test::TcpSession t(b, "10.0.0.1", 1234, "198.18.0.1", 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, std::string(3000, 'z'));
  b.udp(kT0 + 3000, "2001:db8::1", 5, "2001:db8::2", 6, "v6");
  bc::test::TempDir dir;
  const std::string path = dir.path() + "/trace.pcap";
  TraceWriter w;
  ASSERT_TRUE(w.open(path, DLT_EN10MB, 1500));
  for (const auto& f : b.frames())
    ASSERT_TRUE(w.write(view_of(f)));
  w.close();

  auto src = PacketSource::open_offline(path, LbShare{});
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  EXPECT_EQ((*src)->linktype(), DLT_EN10MB);
  EXPECT_EQ((*src)->snaplen(), 1500);
  std::size_t i = 0;
  auto n = (*src)->dispatch(100, [&](const PacketView& v) {
    ASSERT_LT(i, b.frames().size());
    const auto& f = b.frames()[i++];
    EXPECT_EQ(v.ts_us, f.ts_us);
    EXPECT_EQ(v.len, f.bytes.size());
    const std::size_t cap = std::min<std::size_t>(f.bytes.size(), 1500);
    EXPECT_EQ(v.caplen, cap);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(v.data), v.caplen), f.bytes.substr(0, cap));
  });
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(static_cast<std::size_t>(*n), b.frames().size());
  EXPECT_TRUE(is_end_of_input((*src)->dispatch(100, [](const PacketView&) {}).status()));
}

TEST(TraceWriterTest, UnwritablePathIsNamed) {
  TraceWriter w;
  const Status s = w.open("/nonexistent-dir/trace.pcap", DLT_EN10MB, 65535);
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("/nonexistent-dir/trace.pcap"), std::string::npos);
  EXPECT_FALSE(w.is_open());
}

}  // namespace
}  // namespace bc::node::test
