#pragma once
// PacketSource: libpcap capture, live from an interface or offline from a pcap file, with
// the load-balancing split of lb_procs workers. Owned by the node's event loop;
// thread-compatible.
//
// Load balancing (docs/ENGINE.md, "Capture"): every flow, both directions, goes to exactly
// one of `procs` processes.
//  - live: the pcap socket joins an AF_PACKET fanout group (PACKET_FANOUT_HASH, symmetric
//    in the kernel, with PACKET_FANOUT_FLAG_DEFRAG); the group id is derived from the
//    interface, LiveOptions::group and procs so that the processes of one lb group meet in
//    one fanout. When the kernel refuses the fanout the source falls back to the
//    in-process filter below.
//  - offline: an in-process filter keeps the packets whose symmetric flow hash
//    (flow_hash.h) modulo procs equals index-1; packets that are not IP go to index 1.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "node/engine/packet.h"

namespace bc::node {

// dispatch() returns this ErrorCode once an offline file is exhausted (there is no
// dedicated end-of-input code in common/status.h; "the next packet does not exist").
inline constexpr ErrorCode kEndOfInput = ErrorCode::kNotFound;
inline bool is_end_of_input(const Status& s) {
  return s.code() == kEndOfInput;
}

struct CaptureStats {
  std::uint64_t received = 0;  // packets handed to the engine (after the lb split)
  std::uint64_t dropped = 0;   // dropped by the kernel/interface (pcap ps_drop + ps_ifdrop)
  std::uint64_t link = 0;      // seen by the capture (pcap ps_recv; offline: read from file)
};

struct LbShare {
  int index = 0;  // 1-based index of this process in its lb group
  int procs = 0;  // processes in the group; 0 (or 1) = take everything
};

struct LiveOptions {
  int snaplen = 65535;
  bool promisc = true;
  LbShare share;
  std::string bpf;    // optional capture filter
  std::string group;  // lb group name (CLUSTER_LB_GROUP): part of the fanout id
};

class PacketSource {
 public:
  // Errors name the interface or the file.
  static Result<std::unique_ptr<PacketSource>> open_live(const std::string& iface,
                                                         const LiveOptions& options);
  static Result<std::unique_ptr<PacketSource>> open_offline(const std::string& path, LbShare share,
                                                            const std::string& bpf = "");

  virtual ~PacketSource();
  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;

  // For zmq::poll (readable when packets wait); -1 offline.
  int selectable_fd() const;
  // Hands up to `max` packets of this process' share to fn and returns how many; 0 = none
  // available now (live, non-blocking). Offline: a Status with kEndOfInput once the file
  // is exhausted and every packet was handed out. Other errors name interface/file.
  Result<int> dispatch(int max, const std::function<void(const PacketView&)>& fn);
  CaptureStats stats() const;
  int linktype() const;  // DLT_* of the capture
  int snaplen() const;
  // The interface name or file path this source reads.
  const std::string& name() const;
  // True when the live lb split is done by the kernel's fanout, false when in-process.
  bool kernel_fanout() const;

  struct Impl;

 private:
  explicit PacketSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bc::node
