// Every value type: parsed from script text, then printed as Bro's `print` shows it.

#include <gtest/gtest.h>

#include "node/script/literals.h"
#include "node/script/value.h"
#include "script_test_util.h"

namespace bc::node::script {
namespace {

using testing_util::load_text;
using testing_util::ScriptDir;

struct Case {
  const char* declaration;  // after "global x"
  Type type;
  const char* printed;
};

// Names the case in test listings instead of its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << "global x" << c.declaration;
}

class ValueParsePrint : public ::testing::TestWithParam<Case> {};

TEST_P(ValueParsePrint, ParsesAndPrintsLikeBro) {
  ScriptDir dir;
  const Case& c = GetParam();
  const auto loaded = load_text(dir, std::string("global x") + c.declaration + ";\n");
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  const Value* v = loaded.program->globals.find("x");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->type(), c.type) << c.declaration;
  EXPECT_EQ(v->print(), c.printed) << c.declaration;
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, ValueParsePrint,
    ::testing::Values(
        Case{" = T", Type::kBool, "T"}, Case{" = F", Type::kBool, "F"},
        Case{": bool", Type::kBool, "F"}, Case{" = 25", Type::kCount, "25"},
        Case{" = 0x1f", Type::kCount, "31"},
        Case{" = 18446744073709551615", Type::kCount, "18446744073709551615"},
        Case{" = -5", Type::kInt, "-5"}, Case{" = +5", Type::kInt, "5"},
        Case{": int = 7", Type::kInt, "7"},
        Case{" = -9223372036854775808", Type::kInt, "-9223372036854775808"},
        Case{" = 1.5", Type::kDouble, "1.5"}, Case{" = 3.0", Type::kDouble, "3.0"},
        Case{" = -0.25", Type::kDouble, "-0.25"}, Case{" = 1e3", Type::kDouble, "1000.0"},
        Case{" = .5", Type::kDouble, "0.5"}, Case{" = 0.1234567", Type::kDouble, "0.123457"},
        Case{": double = 2", Type::kDouble, "2.0"}, Case{" = 5e9", Type::kDouble, "5.000000e+09"},
        Case{" = 5 min", Type::kInterval, "5.0 mins"}, Case{" = 1 min", Type::kInterval, "1.0 min"},
        Case{" = 1.5 hrs", Type::kInterval, "1.0 hr 30.0 mins"},
        Case{" = 30 secs", Type::kInterval, "30.0 secs"},
        Case{" = 100 msec", Type::kInterval, "100.0 msecs"},
        Case{" = 2 days", Type::kInterval, "2.0 days"}, Case{" = 1day", Type::kInterval, "1.0 day"},
        Case{" = 90 sec", Type::kInterval, "1.0 min 30.0 secs"},
        Case{" = 1.5 usecs", Type::kInterval, "1.5 usecs"},
        Case{" = -5 min", Type::kInterval, "-5.0 mins"},
        Case{" = 0 secs", Type::kInterval, "0 secs"}, Case{": interval", Type::kInterval, "0 secs"},
        Case{" = \"hello world\"", Type::kString, "hello world"},
        Case{" = \"a\\tb\\\"c\\\\d\"", Type::kString, "a\\x09b\"c\\d"},
        Case{" = \"\\x41\\102\"", Type::kString, "AB"}, Case{" = \"\"", Type::kString, ""},
        Case{" = 10.1.2.3", Type::kAddr, "10.1.2.3"},
        Case{" = 2001:DB8:0:0::1", Type::kAddr, "2001:db8::1"},
        Case{" = [2001:db8::1]", Type::kAddr, "2001:db8::1"}, Case{" = ::1", Type::kAddr, "::1"},
        Case{" = [::ffff:192.0.2.1]", Type::kAddr, "192.0.2.1"},
        Case{" = 10.1.2.3/8", Type::kSubnet, "10.0.0.0/8"},
        Case{" = 192.168.0.0/16", Type::kSubnet, "192.168.0.0/16"},
        Case{" = [2001:db8:1::]/48", Type::kSubnet, "2001:db8:1::/48"},
        Case{" = 2001:db8::ff/32", Type::kSubnet, "2001:db8::/32"},
        Case{" = 80/tcp", Type::kPort, "80/tcp"}, Case{" = 53/udp", Type::kPort, "53/udp"},
        Case{" = 8/icmp", Type::kPort, "8/icmp"}, Case{" = 0/unknown", Type::kPort, "0/unknown"},
        Case{": set[port] = { 443/tcp, 80/tcp, 80/tcp }", Type::kSet, "{\n\t80/tcp,\n\t443/tcp\n}"},
        Case{" = set(80/tcp)", Type::kSet, "{\n\t80/tcp\n}"},
        Case{": set[port] = {}", Type::kSet, "{\n\n}"},
        Case{": set[string] = set()", Type::kSet, "{\n\n}"},
        Case{": set[string]", Type::kSet, "{\n\n}"},
        Case{" = { \"b\", \"a\" }", Type::kSet, "{\n\ta,\n\tb\n}"},
        Case{" = { 10.0.0.0/8, [2001:db8::]/32, 192.168.0.0/16 }", Type::kSet,
             "{\n\t10.0.0.0/8,\n\t192.168.0.0/16,\n\t2001:db8::/32\n}"},
        Case{" = { 1, -2 }", Type::kSet, "{\n\t-2,\n\t1\n}"},
        Case{" = { T, F, T, }", Type::kSet, "{\n\tF,\n\tT\n}"},
        Case{" = { 1 min, 30 secs }", Type::kSet, "{\n\t30.0 secs,\n\t1.0 min\n}"},
        Case{": set[double] = { 1, 2.5 }", Type::kSet, "{\n\t1.0,\n\t2.5\n}"},
        Case{" = { 10.0.0.1, ::1 }", Type::kSet, "{\n\t10.0.0.1,\n\t::1\n}"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return std::string(type_name(info.param.type)) + "_" + std::to_string(info.index);
    });

TEST(Value, AccessorsAndElementType) {
  ScriptDir dir;
  const auto loaded = load_text(dir,
                                "global p = 8080/tcp;\n"
                                "global s: set[port] = { 22/tcp, 53/udp };\n"
                                "global n: set[subnet] = {};\n"
                                "global i = 5 min;\n");
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  const Globals& g = loaded.program->globals;
  EXPECT_EQ(g.find("p")->as_port(), (Port{8080, Port::kTcp}));
  EXPECT_EQ(g.find("s")->element_type(), Type::kPort);
  EXPECT_TRUE(g.find("s")->contains(Value::port({53, Port::kUdp})));
  EXPECT_FALSE(g.find("s")->contains(Value::port({53, Port::kTcp})));
  EXPECT_FALSE(g.find("s")->contains(Value::count(53)));
  EXPECT_EQ(g.find("n")->element_type(), Type::kSubnet);
  EXPECT_TRUE(g.find("n")->as_set().empty());
  EXPECT_DOUBLE_EQ(g.find("i")->as_interval(), 300.0);
}

TEST(Value, EqualityIsByTypeAndContent) {
  EXPECT_EQ(Value::count(5), Value::count(5));
  EXPECT_FALSE(Value::count(5) == Value::integer(5));
  EXPECT_FALSE(Value::interval(5) == Value::real(5));
  EXPECT_EQ(Value::set(Type::kString, {Value::string("a"), Value::string("b")}),
            Value::set(Type::kString, {Value::string("b"), Value::string("a")}));
  EXPECT_FALSE(Value::set(Type::kString) == Value::set(Type::kPort));
  EXPECT_EQ(type_name(Type::kSet, Type::kPort), "set[port]");
}

TEST(Literals, CanonicalForms) {
  EXPECT_EQ(parse_addr("010.1.2.3"), std::nullopt);  // no octal guesses, as inet_pton
  EXPECT_EQ(parse_subnet("10.0.0.0/33"), std::nullopt);
  EXPECT_EQ(parse_subnet("::/129"), std::nullopt);
  EXPECT_EQ(parse_subnet("172.16.5.4/12"), "172.16.0.0/12");
  EXPECT_EQ(parse_subnet("10.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(interval_unit_seconds("hrs"), 3600.0);
  EXPECT_EQ(interval_unit_seconds("s"), std::nullopt);
}

}  // namespace
}  // namespace bc::node::script
