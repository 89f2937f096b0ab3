#pragma once
// Engine: decodes packets (Ethernet with 802.1Q, raw IP, Linux SLL; IPv4/IPv6;
// TCP/UDP/ICMP), keeps one record per bidirectional flow and runs the enabled analyses
// (dns, http-*, scan observations). Finished records go to a RecordSink synchronously.
// Time is packet time: process() expires idle flows as packet time moves; advance() does
// it when no packets come. Owned by one thread. Details: docs/ENGINE.md.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "node/engine/log_record.h"
#include "node/engine/packet.h"
#include "node/engine/scan.h"
#include "node/engine/settings.h"

namespace bc::node {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void log(const LogRecord& record) = 0;              // conn, dns, http records
  virtual void scan(const ScanObservation& observation) = 0;  // every connection attempt
};

struct EngineCounters {
  std::uint64_t packets = 0;       // packets given to process()
  std::uint64_t bytes = 0;         // their wire length
  std::uint64_t flows_active = 0;  // flows in the table now
  std::uint64_t flows_total = 0;   // flows created since start
  std::uint64_t records = 0;       // records given to the sink
  std::uint64_t malformed = 0;     // packets that could not be decoded (counted, ignored)
};

class Engine {
 public:
  // `linktype` is the DLT_* of the packets (PacketSource::linktype()); default Ethernet.
  Engine(const EngineSettings& settings, RecordSink& sink, int linktype = 1);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void process(const PacketView& packet);
  void advance(std::int64_t now_us);    // expire idle flows (timeouts)
  void flush_all(std::int64_t now_us);  // shutdown: log every open flow
  void apply(const EngineSettings& settings);
  void set_linktype(int linktype);
  EngineCounters counters() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The analysis types (analysis.dat names) this engine implements; the node's `check`
// rejects the others (ftp, smtp) by name.
std::vector<std::string> supported_analyses();

}  // namespace bc::node
