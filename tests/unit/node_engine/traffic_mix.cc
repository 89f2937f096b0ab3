#include "tests/unit/node_engine/traffic_mix.h"

#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

#include "tests/support/pcap_builder.h"

namespace bc::test {
namespace {

// splitmix64: a deterministic generator with a specified output sequence.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
};

enum class Kind { kHttp, kDns, kTcp, kUdp, kIcmp, kScan };

bool parse_mix(const std::string& text, std::vector<std::pair<Kind, unsigned>>& out,
               std::string& error) {
  static const std::pair<const char*, Kind> kNames[] = {
      {"http", Kind::kHttp}, {"dns", Kind::kDns},   {"tcp", Kind::kTcp},
      {"udp", Kind::kUdp},   {"icmp", Kind::kIcmp}, {"scan", Kind::kScan}};
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    const auto colon = item.find(':');
    const std::string name = item.substr(0, colon);
    unsigned weight = 1;
    if (colon != std::string::npos) {
      const std::string w = item.substr(colon + 1);
      if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos || w.size() > 6) {
        error = "bad weight in mix entry '" + item + "'";
        return false;
      }
      weight = static_cast<unsigned>(std::stoul(w));
    }
    bool found = false;
    for (const auto& [n, k] : kNames) {
      if (name == n) {
        out.emplace_back(k, weight);
        found = true;
      }
    }
    if (!found) {
      error = "unknown kind '" + name + "' in mix (kinds: http dns tcp udp icmp scan)";
      return false;
    }
  }
  unsigned total = 0;
  for (const auto& e : out)
    total += e.second;
  if (total == 0) {
    error = "mix '" + text + "' has no flows (all weights 0)";
    return false;
  }
  return true;
}

std::string client_addr(Rng& r) {
  return "10." + std::to_string(r.below(4)) + "." + std::to_string(r.below(256)) + "." +
         std::to_string(1 + r.below(254));
}
std::string server_addr(Rng& r) {
  return "198.18." + std::to_string(r.below(64)) + "." + std::to_string(1 + r.below(254));
}
std::string filler(Rng& r, std::size_t n) {
  std::string s(n, 'x');
  for (auto& c : s)
    c = static_cast<char>('a' + r.below(26));
  return s;
}

void one_flow(PcapBuilder& b, Kind kind, Rng& r, std::int64_t ts, std::size_t n) {
  const std::string c = client_addr(r);
  const std::string s = server_addr(r);
  const auto cport = static_cast<std::uint16_t>(1024 + r.below(64000));
  const std::int64_t rtt = 200 + static_cast<std::int64_t>(r.below(20000));
  switch (kind) {
    case Kind::kHttp: {
      TcpSession t(b, c, cport, s, 80, static_cast<std::uint32_t>(r.next()),
                   static_cast<std::uint32_t>(r.next()));
      ts = t.handshake(ts, rtt);
      ts = t.client_send(
          ts + 10, http_request("GET", "/item/" + std::to_string(n),
                                "www" + std::to_string(r.below(50)) + ".example", "pcapgen/1.0"));
      ts = t.server_send(ts + rtt, http_response(200, "OK", filler(r, 100 + r.below(4000))));
      t.ack(ts + 10);
      t.close(ts + 100);
      break;
    }
    case Kind::kDns: {
      const auto id = static_cast<std::uint16_t>(r.next());
      const std::string name = "host" + std::to_string(r.below(10000)) + ".example.com";
      b.udp(ts, c, cport, s, 53, dns_query(id, name));
      b.udp(
          ts + rtt, s, 53, c, cport,
          dns_response(id, name, 1, 0, {{1, 300, "198.19.0." + std::to_string(1 + r.below(250))}}));
      break;
    }
    case Kind::kTcp: {
      TcpSession t(b, c, cport, s, 22, static_cast<std::uint32_t>(r.next()),
                   static_cast<std::uint32_t>(r.next()));
      ts = t.handshake(ts, rtt);
      for (int i = 0; i < 3; ++i) {
        ts = t.client_send(ts + 100, filler(r, 50 + r.below(500)));
        ts = t.server_send(ts + rtt, filler(r, 50 + r.below(1400)));
      }
      t.close(ts + 100);
      break;
    }
    case Kind::kUdp:
      for (int i = 0; i < 2; ++i) {
        b.udp(ts, c, cport, s, 123, filler(r, 48));
        b.udp(ts + rtt, s, 123, c, cport, filler(r, 48));
        ts += 2 * rtt;
      }
      break;
    case Kind::kIcmp:
      b.icmp(ts, c, s, 8, 0, static_cast<std::uint16_t>(n), 1, filler(r, 56));
      b.icmp(ts + rtt, s, c, 0, 0, static_cast<std::uint16_t>(n), 1, filler(r, 56));
      break;
    case Kind::kScan: {
      TcpSession t(b, "10.66.0.1", cport, s, static_cast<std::uint16_t>(1 + r.below(1024)));
      t.syn(ts);
      t.server_rst(ts + rtt);
      break;
    }
  }
}

}  // namespace

MixResult write_mix(const std::string& path, const MixOptions& o) {
  MixResult res;
  std::vector<std::pair<Kind, unsigned>> mix;
  if (!parse_mix(o.mix, mix, res.error)) return res;
  unsigned total = 0;
  for (const auto& e : mix)
    total += e.second;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    res.error = "cannot create " + path;
    return res;
  }
  out << PcapBuilder::pcap_header();
  Rng r{o.seed};
  const std::size_t batch = o.batch ? o.batch : 1;
  // Batches of overlapping flows, each batch 200 ms after the previous one starts.
  for (std::size_t first = 0; first < o.flows; first += batch) {
    PcapBuilder b;
    const std::int64_t base = o.start_us + static_cast<std::int64_t>(first / batch) * 200'000;
    for (std::size_t n = first; n < std::min(o.flows, first + batch); ++n) {
      unsigned pick = static_cast<unsigned>(r.below(total));
      Kind kind = mix.front().first;
      for (const auto& [k, w] : mix) {
        if (pick < w) {
          kind = k;
          break;
        }
        pick -= w;
      }
      one_flow(b, kind, r, base + static_cast<std::int64_t>(r.below(50'000)), n);
      ++res.flows;
    }
    b.sort_by_time();
    for (const auto& f : b.frames())
      out << PcapBuilder::pcap_record(f);
    res.frames += b.frames().size();
  }
  if (!out.flush()) {
    res.error = "cannot write " + path;
    return res;
  }
  res.ok = true;
  return res;
}

}  // namespace bc::test
