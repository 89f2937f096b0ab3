// brocluster-pcapgen: writes a deterministic pcap of synthetic traffic (for benchmarks,
// tcpreplay in live tests, and by hand). Same options + seed → the same bytes.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "tests/unit/node_engine/traffic_mix.h"

int main(int argc, char** argv) {
  bc::test::MixOptions o;
  std::string out;
  CLI::App app{"brocluster-pcapgen: write synthetic traffic to a pcap file"};
  app.add_option("-o,--output", out, "pcap file to write")->required();
  app.add_option("-n,--flows", o.flows, "number of flows")->capture_default_str();
  app.add_option("-m,--mix", o.mix, "kind:weight,... (kinds: http dns tcp udp icmp scan)")
      ->capture_default_str();
  app.add_option("-s,--seed", o.seed, "random seed")->capture_default_str();
  app.add_option("--batch", o.batch, "flows overlapping in time")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const auto r = bc::test::write_mix(out, o);
  if (!r.ok) {
    std::fprintf(stderr, "brocluster-pcapgen: %s\n", r.error.c_str());
    return 1;
  }
  std::printf("%s: %zu flows, %zu packets\n", out.c_str(), r.flows, r.frames);
  return 0;
}
