#pragma once
// Synthetic traffic mixes for brocluster-pcapgen, the benchmark and the lb-split tests:
// `flows` flows of the kinds weighted by `mix`, from `seed`, fully deterministic (own
// PRNG arithmetic, no std distributions whose output differs between libraries).

#include <cstdint>
#include <string>

namespace bc::test {

struct MixOptions {
  std::size_t flows = 1000;
  // kind:weight, kinds: http dns tcp udp icmp scan (scan: one flow = one probe of a
  // scanner to a closed port, answered by RST).
  std::string mix = "http:4,dns:3,tcp:2,udp:1,icmp:1";
  std::uint64_t seed = 1;
  std::int64_t start_us = 1'700'000'000'000'000;
  std::size_t batch = 500;  // flows that overlap in time
};

struct MixResult {
  bool ok = false;
  std::size_t frames = 0;
  std::size_t flows = 0;
  std::string error;  // names the file or the bad mix entry
};

MixResult write_mix(const std::string& path, const MixOptions& options);

}  // namespace bc::test
