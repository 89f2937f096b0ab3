// The packet counters of a stats sample, from a node's netstats answer: only a node that
// captures has them; an error, a timeout or a malformed answer leaves them unset.

#include "supervisor/netstats_sample.h"

#include <gtest/gtest.h>

namespace bc::sup {
namespace {

msg::Reply answer(bool capturing) {
  msg::Value v = msg::Value::empty_map();
  v.set("node", "worker-1")
      .set("capturing", capturing)
      .set("received", std::uint64_t{2199})
      .set("dropped", std::uint64_t{3})
      .set("link", std::uint64_t{2202});
  return msg::make_ok(7, std::move(v));
}

TEST(NetstatsSample, ACapturingNodesCountersFillTheSample) {
  msg::NodeStats s;
  fill_packets(s, answer(true));
  EXPECT_EQ(s.packets_received, 2199u);
  EXPECT_EQ(s.packets_dropped, 3u);
  EXPECT_EQ(s.packets_link, 2202u);
}

TEST(NetstatsSample, NoCountersFromANodeThatDoesNotCaptureOrDidNotAnswer) {
  msg::NodeStats s;
  fill_packets(s, answer(false));  // a manager or proxy: its zeros are not packet counts
  EXPECT_FALSE(s.packets_received);
  fill_packets(s, msg::make_error(7, Status::timeout("worker-1 did not answer within 500 ms")));
  EXPECT_FALSE(s.packets_received);
  msg::Value garbage = msg::Value::empty_map();
  garbage.set("capturing", true).set("received", "many");
  fill_packets(s, msg::make_ok(7, std::move(garbage)));
  EXPECT_FALSE(s.packets_received);
  EXPECT_FALSE(s.packets_dropped);
}

TEST(NetstatsSample, TheWaitIsHalfTheIntervalAtMostOneSecond) {
  using std::chrono::milliseconds;
  EXPECT_EQ(netstats_wait(milliseconds(10000)), milliseconds(1000));
  EXPECT_EQ(netstats_wait(milliseconds(1000)), milliseconds(500));
  EXPECT_EQ(netstats_wait(milliseconds(4)), milliseconds(10));
}

}  // namespace
}  // namespace bc::sup
