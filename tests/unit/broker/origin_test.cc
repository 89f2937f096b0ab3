// The broker's origin rules (broker/origin.h) and the body head they read
// (messages/event_head.h), cell by cell.

#include <gtest/gtest.h>

#include "broker/origin.h"
#include "messages/codec.h"
#include "messages/event_head.h"

namespace bc::broker {
namespace {

Origin host_key(const std::string& host) {
  return {Origin::Kind::kHost, host, host};
}
Origin daemon_key() {
  return {Origin::Kind::kDaemon, "broker", "h1"};
}

template <class M>
std::optional<std::string> check(const Origin& o, const std::string& host, M m,
                                 std::string topic = {}) {
  msg::stamp(m, host, 1, 1);
  const std::string body = msg::encode(m);
  auto head = msg::peek_head(body);
  EXPECT_TRUE(head.is_ok()) << head.status().message();
  return origin_violation(o, topic.empty() ? msg::topic_for(m) : topic, *head);
}

msg::NodeStateChange state(const std::string& node) {
  msg::NodeStateChange e;
  e.node = node;
  return e;
}
msg::Heartbeat heartbeat(const std::string& role) {
  msg::Heartbeat hb;
  hb.role = role;
  return hb;
}

TEST(OriginRules, AHostKeyPublishesOnlyItsOwnHostsEvents) {
  const Origin h2 = host_key("h2");
  EXPECT_FALSE(check(h2, "h2", state("worker-1")));
  EXPECT_FALSE(check(h2, "h2", heartbeat("supervisor")));
  EXPECT_FALSE(check(h2, "h2", msg::HostStats{}));
  EXPECT_FALSE(check(h2, "h2", msg::CrashReport{}));
  // Another host in the topic and the body, in the body only, in the topic only.
  EXPECT_TRUE(check(h2, "h1", state("manager")));
  EXPECT_TRUE(check(h2, "h1", heartbeat("supervisor")));
  EXPECT_TRUE(check(h2, "h1", state("manager"), "node.h2.manager"));
  EXPECT_TRUE(check(h2, "h2", state("manager"), "node.h1.manager"));
  // A prefix of another host's name is not that host.
  EXPECT_TRUE(check(host_key("h"), "h", state("x"), "node.h2.x"));
  // Alerts and other roles' heartbeats are not a host's; nor a type under another topic.
  msg::Alert alert;
  alert.kind = "host-down";
  EXPECT_TRUE(check(h2, "h2", alert));
  EXPECT_TRUE(check(h2, "h2", heartbeat("collector")));
  EXPECT_TRUE(check(h2, "h2", msg::CrashReport{}, "node.h2.x"));
  EXPECT_TRUE(check(h2, "h2", state("x"), "nonsense"));
}

TEST(OriginRules, TheDaemonKeyPublishesOnlyTheCollectorsEventsForItsHost) {
  const Origin d = daemon_key();
  msg::Alert alert;
  alert.kind = "host-down";
  EXPECT_FALSE(check(d, "h1", alert));
  EXPECT_FALSE(check(d, "h1", heartbeat("collector")));
  EXPECT_TRUE(check(d, "h2", alert));
  EXPECT_TRUE(check(d, "h1", heartbeat("supervisor")));
  EXPECT_TRUE(check(d, "h1", state("manager")));
  EXPECT_TRUE(check(Origin{}, "h1", alert));  // a key that may not publish at all
}

TEST(EventHead, ReadsTypeHostRoleAndRefusesAFieldGivenTwice) {
  auto hb = heartbeat("supervisor");
  msg::stamp(hb, "h1", 1, 1);
  const std::string body = msg::encode(hb);
  auto head = msg::peek_head(body);
  ASSERT_TRUE(head.is_ok());
  EXPECT_EQ(head->type, "heartbeat");
  EXPECT_EQ(head->host, "h1");
  EXPECT_EQ(head->role, "supervisor");
  // {"host":"h2","host":"h1"}; {"host":7} has no host.
  EXPECT_FALSE(msg::peek_head("\x82\xa4host\xa2h2\xa4host\xa2h1").is_ok());
  auto number = msg::peek_head(std::string("\x81\xa4host\x07", 7));
  ASSERT_TRUE(number.is_ok());
  EXPECT_EQ(number->host, "");
  EXPECT_FALSE(msg::peek_head("\x91\xa1x").is_ok());     // not a map
  EXPECT_FALSE(msg::peek_head("\x82\xa4type").is_ok());  // truncated
  EXPECT_FALSE(msg::peek_head("").is_ok());
}

}  // namespace
}  // namespace bc::broker
