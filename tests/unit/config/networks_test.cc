#include "config/networks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bc::config {
namespace {

using ::testing::HasSubstr;

struct ParsedNetworks {
  std::vector<Network> nets;
  std::string diags;
  bool errors = false;
};

ParsedNetworks parse_nets(std::string_view text) {
  Diagnostics d;
  ParsedNetworks p;
  p.nets = parse_networks(text, "networks.cfg", d);
  p.diags = d.render_all();
  p.errors = d.has_errors();
  return p;
}

TEST(Networks, Ipv4AndIpv6WithTagsAndComments) {
  const ParsedNetworks p = parse_nets(
      "# local networks\n"
      "10.0.0.0/8          Private IP space\n"
      "\n"
      "192.168.1.0/24\n"
      "2001:DB8::/32 documentation   # trailing comment\n"
      "0.0.0.0/0 everything\n");
  EXPECT_EQ(p.diags, "");
  ASSERT_EQ(p.nets.size(), 4u);
  EXPECT_EQ(p.nets[0].cidr, "10.0.0.0/8");
  EXPECT_EQ(p.nets[0].tag, "Private IP space");
  EXPECT_EQ(p.nets[0].line, 2);
  EXPECT_EQ(p.nets[1].cidr, "192.168.1.0/24");
  EXPECT_EQ(p.nets[1].tag, "");
  EXPECT_EQ(p.nets[2].cidr, "2001:db8::/32");  // normalised
  EXPECT_EQ(p.nets[2].tag, "documentation");
  EXPECT_EQ(p.nets[3].cidr, "0.0.0.0/0");
}

TEST(Networks, BareAddressIsAnError) {
  const ParsedNetworks p = parse_nets("10.1.2.3\n::1 loop\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:1: '10.1.2.3' has no prefix length (write "
                                 "10.1.2.3/32)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:2: '::1' has no prefix length (write "
                                 "::1/128)"));
  EXPECT_TRUE(p.nets.empty());
}

TEST(Networks, InvalidAddressesAndPrefixes) {
  const ParsedNetworks p = parse_nets(
      "10.0.0.256/8\n10.0.0.0/33\n2001:db8::/129\n10.0.0.0/x\nhello/8\n"
      "10.0.0.0/-1\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:1: invalid IPv4 address '10.0.0.256' in "
                                 "'10.0.0.256/8'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:2: invalid prefix length '33' in "
                                 "'10.0.0.0/33' (expected 0..32)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:3: invalid prefix length '129' in "
                                 "'2001:db8::/129' (expected 0..128)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:4: invalid prefix length 'x'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:5: invalid IPv4 address 'hello'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: networks.cfg:6: invalid prefix length '-1'"));
  EXPECT_TRUE(p.nets.empty());
}

TEST(Networks, HostBitsSetIsAWarningAndNormalised) {
  const ParsedNetworks p = parse_nets("10.1.2.3/8 lab\n2001:db8::1/64\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: networks.cfg:1: '10.1.2.3/8' has host bits set; using "
                                 "10.0.0.0/8"));
  EXPECT_THAT(p.diags, HasSubstr("Warning: networks.cfg:2: '2001:db8::1/64' has host bits set; "
                                 "using 2001:db8::/64"));
  ASSERT_EQ(p.nets.size(), 2u);
  EXPECT_EQ(p.nets[0].cidr, "10.0.0.0/8");
  EXPECT_EQ(p.nets[1].cidr, "2001:db8::/64");
}

TEST(Networks, OddPrefixLengthsMaskPartialBytes) {
  const ParsedNetworks p = parse_nets("192.168.255.255/17\n");
  EXPECT_EQ(p.nets.at(0).cidr, "192.168.128.0/17");
}

TEST(Networks, DuplicateIsAWarningAndDropped) {
  const ParsedNetworks p = parse_nets("10.0.0.0/8 a\n10.0.0.0/8 b\n");
  EXPECT_THAT(p.diags, HasSubstr("Warning: networks.cfg:2: duplicate network 10.0.0.0/8 (first on "
                                 "line 1); ignored"));
  ASSERT_EQ(p.nets.size(), 1u);
  EXPECT_EQ(p.nets[0].tag, "a");
}

}  // namespace
}  // namespace bc::config
