#include "config/diagnostics.h"

#include <gtest/gtest.h>

namespace bc::config {
namespace {

TEST(Diagnostics, RendersFileLineNodeAndMessage) {
  Diagnostics d;
  d.error("etc/node.cfg", 12, "unknown type 'wroker'", "worker-1");
  d.warning("etc/cluster.cfg", 3, "unknown option 'Foo'");
  EXPECT_EQ(d.items()[0].render(),
            "Error: etc/node.cfg:12: node 'worker-1': unknown type 'wroker'");
  EXPECT_EQ(d.items()[1].render(), "Warning: etc/cluster.cfg:3: unknown option 'Foo'");
}

TEST(Diagnostics, OmitsLineWhenZeroAndFileWhenEmpty) {
  Diagnostics d;
  d.error("etc/node.cfg", 0, "no manager node");
  d.warning("", 0, "general");
  EXPECT_EQ(d.items()[0].render(), "Error: etc/node.cfg: no manager node");
  EXPECT_EQ(d.items()[1].render(), "Warning: general");
}

TEST(Diagnostics, HasErrorsOnlyForErrorsAndRenderAllKeepsOrder) {
  Diagnostics d;
  EXPECT_FALSE(d.has_errors());
  d.warning("f", 1, "w");
  EXPECT_FALSE(d.has_errors());
  d.error("f", 2, "e");
  EXPECT_TRUE(d.has_errors());
  EXPECT_EQ(d.render_all(), "Warning: f:1: w\nError: f:2: e\n");
}

}  // namespace
}  // namespace bc::config
