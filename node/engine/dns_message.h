#pragma once
// Parser of one DNS message (RFC 1035) for dns.log: header, the first question, the
// answer section rendered as text. Compression pointers are followed with a hop limit;
// anything inconsistent makes parse_dns() return false. Pure.

#include <cstdint>
#include <string>
#include <vector>

namespace bc::node {

struct DnsMessage {
  std::uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false;
  std::uint8_t z = 0, opcode = 0, rcode = 0;
  bool has_question = false;
  std::string qname;
  std::uint16_t qtype = 0, qclass = 0;
  std::vector<std::string> answers;  // rdata as text: address, name, ...
  std::vector<std::uint32_t> ttls;
};

bool parse_dns(const std::uint8_t* data, std::size_t len, DnsMessage& out);

std::string dns_qtype_name(std::uint16_t qtype);    // "A", ..., "query-N" when unknown
std::string dns_rcode_name(std::uint8_t rcode);     // "NOERROR", ..., "rcode-N"
std::string dns_qclass_name(std::uint16_t qclass);  // "C_INTERNET", ..., "qclass-N"

}  // namespace bc::node
