// node_engine_bench: one engine reading a pcap file as fast as it can, as a worker of
// brocluster-node would with `-r` (bench/node_bench.sh runs it; figures in docs/ENGINE.md).
//
//   node_engine_bench <file.pcap> [conn|all] [--logs DIR] [--repeat N] [--no-detector]
//
// conn: connection accounting only (no analyses); all: every supported analysis, with
// scan observations fed to a ScanDetector (not with --no-detector: a cluster worker
// sends them to a proxy instead). Records are rendered (that is the engine's
// work) and counted; with --logs they are also written by LogWriter into DIR. Prints one
// line of key=value figures: packets, seconds, pps, Mbit/s, records, peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "node/engine/engine.h"
#include "node/engine/log_writer.h"
#include "node/engine/packet_source.h"
#include "node/engine/scan.h"

namespace {

using bc::node::LogRecord;

class BenchSink : public bc::node::RecordSink {
 public:
  BenchSink(const bc::node::EngineSettings& s, std::string log_dir, bool detector)
      : scan_(s), log_dir_(std::move(log_dir)), detector_(detector) {}
  void log(const LogRecord& r) override {
    ++records_;
    if (log_dir_.empty()) return;
    auto& w = writers_[r.stream];
    if (!w) w = std::make_unique<bc::node::LogWriter>(log_dir_, *bc::node::log_schema(r.stream));
    if (!w->write(r)) ++errors_;
  }
  void scan(const bc::node::ScanObservation& o) override {
    ++scans_;
    if (!detector_) return;
    if (auto n = scan_.observe(o)) log(*n);
    // As the node's timer would: forget finished scan intervals every 10 s.
    if (o.ts_us >= last_expire_ + 10'000'000) {
      scan_.expire(o.ts_us);
      last_expire_ = o.ts_us;
    }
  }
  std::uint64_t records_ = 0, scans_ = 0, errors_ = 0;
  std::int64_t last_expire_ = 0;

 private:
  bc::node::ScanDetector scan_;
  std::string log_dir_;
  bool detector_;
  std::map<std::string, std::unique_ptr<bc::node::LogWriter>> writers_;
};

int usage() {
  std::fprintf(stderr,
               "usage: node_engine_bench <file.pcap> [conn|all] [--logs DIR] [--repeat N] "
               "[--no-detector]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string path = argv[1];
  std::string mode = "all", logs;
  int repeat = 1;
  bool detector = true;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--logs") && i + 1 < argc) {
      logs = argv[++i];
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--no-detector")) {
      detector = false;
    } else if (!std::strcmp(argv[i], "conn") || !std::strcmp(argv[i], "all")) {
      mode = argv[i];
    } else {
      return usage();
    }
  }
  bc::node::EngineSettings settings;
  if (mode == "conn") settings.analyses.clear();
  double best = 1e30;
  std::uint64_t packets = 0, bytes = 0, records = 0, flows = 0;
  for (int run = 0; run < repeat; ++run) {
    auto src = bc::node::PacketSource::open_offline(path, bc::node::LbShare{});
    if (!src) {
      std::fprintf(stderr, "node_engine_bench: %s\n", src.status().message().c_str());
      return 1;
    }
    BenchSink sink(settings, logs, detector);
    bc::node::Engine engine(settings, sink, (*src)->linktype());
    std::int64_t last = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      auto n = (*src)->dispatch(4096, [&](const bc::node::PacketView& v) {
        engine.process(v);
        last = v.ts_us;
      });
      if (!n) {
        if (!bc::node::is_end_of_input(n.status())) {
          std::fprintf(stderr, "node_engine_bench: %s\n", n.status().message().c_str());
          return 1;
        }
        break;
      }
    }
    engine.flush_all(last + 1'000'000);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, secs);
    const auto c = engine.counters();
    packets = c.packets;
    bytes = c.bytes;
    records = sink.records_;
    flows = c.flows_total;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "mode=%s%s packets=%llu flows=%llu records=%llu seconds=%.3f pps=%.0f mbps=%.1f "
      "peak_rss_mb=%.1f\n",
      mode.c_str(), mode == "all" && !detector ? "-no-detector" : "",
      static_cast<unsigned long long>(packets), static_cast<unsigned long long>(flows),
      static_cast<unsigned long long>(records), best, packets / best, bytes * 8.0 / best / 1e6,
      ru.ru_maxrss / 1024.0);
  return 0;
}
