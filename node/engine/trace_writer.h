#pragma once
// TraceWriter: writes packets to a pcap file (SaveTraces). Owned by one thread.

#include <memory>
#include <string>

#include "common/status.h"
#include "node/engine/packet.h"

namespace bc::node {

class TraceWriter {
 public:
  TraceWriter();
  ~TraceWriter();  // closes
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Creates (truncates) `path`; errors name it. An open writer is closed first.
  Status open(const std::string& path, int linktype, int snaplen);
  // REQUIRES: is_open(). Packets longer than the snaplen are cut to it.
  Status write(const PacketView& packet);
  Status flush();
  void close();
  bool is_open() const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace bc::node
