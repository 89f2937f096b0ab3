#include "node/engine/dns_message.h"

#include <arpa/inet.h>

namespace bc::node {
namespace {

struct Reader {
  const std::uint8_t* d;
  std::size_t len;
  std::size_t pos = 0;
  bool ok = true;

  std::uint16_t u16() {
    if (pos + 2 > len) return fail();
    const auto v = static_cast<std::uint16_t>(d[pos] << 8 | d[pos + 1]);
    pos += 2;
    return v;
  }
  std::uint32_t u32() {
    const std::uint32_t hi = u16();
    return hi << 16 | u16();
  }
  std::uint16_t fail() {
    ok = false;
    return 0;
  }
};

// A (possibly compressed) name starting at `pos`; `pos` moves past it in the message.
bool read_name(const std::uint8_t* d, std::size_t len, std::size_t& pos, std::string& out) {
  out.clear();
  std::size_t p = pos;
  bool jumped = false;
  for (int hops = 0; hops < 64; ++hops) {
    if (p >= len) return false;
    const std::uint8_t l = d[p];
    if (l == 0) {
      if (!jumped) pos = p + 1;
      if (out.empty()) out = ".";
      return true;
    }
    if ((l & 0xc0) == 0xc0) {
      if (p + 1 >= len) return false;
      if (!jumped) pos = p + 2;
      jumped = true;
      p = static_cast<std::size_t>((l & 0x3f) << 8 | d[p + 1]);
      continue;
    }
    if ((l & 0xc0) != 0 || p + 1 + l > len) return false;
    if (!out.empty()) out += '.';
    out.append(reinterpret_cast<const char*>(d + p + 1), l);
    if (out.size() > 1024) return false;
    p += 1 + l;
  }
  return false;  // pointer loop
}

std::string render_rdata(const std::uint8_t* d, std::size_t len, std::size_t start,
                         std::uint16_t rdlen, std::uint16_t type) {
  std::string name;
  char buf[INET6_ADDRSTRLEN];
  std::size_t p = start;
  switch (type) {
    case 1:  // A
      if (rdlen == 4 && inet_ntop(AF_INET, d + start, buf, sizeof buf)) return buf;
      break;
    case 28:  // AAAA
      if (rdlen == 16 && inet_ntop(AF_INET6, d + start, buf, sizeof buf)) return buf;
      break;
    case 2:   // NS
    case 5:   // CNAME
    case 12:  // PTR
    case 6:   // SOA: the primary name server
      if (read_name(d, len, p, name)) return name;
      break;
    case 15:  // MX: preference, exchange
      p += 2;
      if (rdlen > 2 && read_name(d, len, p, name)) return name;
      break;
    case 33:  // SRV: priority, weight, port, target
      p += 6;
      if (rdlen > 6 && read_name(d, len, p, name)) return name;
      break;
    case 16: {  // TXT: the character strings, space separated
      std::string txt;
      for (std::size_t q = start; q < start + rdlen;) {
        const std::size_t l = d[q];
        if (q + 1 + l > start + rdlen) break;
        if (!txt.empty()) txt += ' ';
        txt.append(reinterpret_cast<const char*>(d + q + 1), l);
        q += 1 + l;
      }
      return "TXT " + std::to_string(txt.size()) + " " + txt;
    }
    default:
      break;
  }
  return "<unknown type=" + std::to_string(type) + ">";
}

}  // namespace

bool parse_dns(const std::uint8_t* d, std::size_t len, DnsMessage& m) {
  Reader r{d, len};
  m.id = r.u16();
  const std::uint16_t flags = r.u16();
  const std::uint16_t qd = r.u16(), an = r.u16();
  r.u16();  // authority
  r.u16();  // additional
  if (!r.ok) return false;
  m.qr = flags & 0x8000;
  m.opcode = (flags >> 11) & 0xf;
  m.aa = flags & 0x0400;
  m.tc = flags & 0x0200;
  m.rd = flags & 0x0100;
  m.ra = flags & 0x0080;
  m.z = (flags >> 4) & 0x7;
  m.rcode = flags & 0xf;
  std::size_t pos = r.pos;
  for (int i = 0; i < qd; ++i) {
    std::string name;
    if (!read_name(d, len, pos, name)) return false;
    r.pos = pos;
    const std::uint16_t qtype = r.u16(), qclass = r.u16();
    if (!r.ok) return false;
    pos = r.pos;
    if (i == 0) {
      m.has_question = true;
      m.qname = name == "." ? "" : name;
      m.qtype = qtype;
      m.qclass = qclass;
    }
  }
  for (int i = 0; i < an && i < 256; ++i) {
    std::string owner;
    if (!read_name(d, len, pos, owner)) return false;
    r.pos = pos;
    const std::uint16_t type = r.u16();
    r.u16();  // class
    const std::uint32_t ttl = r.u32();
    const std::uint16_t rdlen = r.u16();
    if (!r.ok || r.pos + rdlen > len) return false;
    m.answers.push_back(render_rdata(d, len, r.pos, rdlen, type));
    m.ttls.push_back(ttl);
    pos = r.pos + rdlen;
  }
  return true;
}

std::string dns_qtype_name(std::uint16_t t) {
  switch (t) {
    case 1:
      return "A";
    case 2:
      return "NS";
    case 5:
      return "CNAME";
    case 6:
      return "SOA";
    case 12:
      return "PTR";
    case 15:
      return "MX";
    case 16:
      return "TXT";
    case 28:
      return "AAAA";
    case 33:
      return "SRV";
    case 35:
      return "NAPTR";
    case 41:
      return "OPT";
    case 43:
      return "DS";
    case 46:
      return "RRSIG";
    case 47:
      return "NSEC";
    case 48:
      return "DNSKEY";
    case 64:
      return "SVCB";
    case 65:
      return "HTTPS";
    case 99:
      return "SPF";
    case 252:
      return "AXFR";
    case 255:
      return "*";
    case 257:
      return "CAA";
    default:
      return "query-" + std::to_string(t);
  }
}

std::string dns_rcode_name(std::uint8_t r) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (r < sizeof kNames / sizeof kNames[0]) return kNames[r];
  return "rcode-" + std::to_string(r);
}

std::string dns_qclass_name(std::uint16_t c) {
  switch (c) {
    case 1:
      return "C_INTERNET";
    case 3:
      return "C_CHAOS";
    case 4:
      return "C_HESIOD";
    case 254:
      return "C_NONE";
    case 255:
      return "C_ANY";
    default:
      return "qclass-" + std::to_string(c);
  }
}

}  // namespace bc::node
