#include "node/engine/packet_source.h"

#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "node/engine/flow_hash.h"

namespace bc::node {

struct PacketSource::Impl {
  std::string name;
  bool live = false;
  pcap_t* pcap = nullptr;
  int procs = 0, index = 0;
  bool in_process_split = false;
  bool kernel_fanout = false;
  bool eof = false;
  std::uint64_t received = 0, read = 0;

  ~Impl() {
    if (pcap) pcap_close(pcap);
  }
  bool mine(const PacketView& v) const {
    return !in_process_split || share_of(v, pcap_datalink(pcap), procs) == index;
  }
};

namespace {

constexpr int kBufferBytes = 32 << 20;  // kernel ring per capture

Status check_share(const LbShare& share, const std::string& what) {
  if (share.procs < 0 || (share.procs > 1 && (share.index < 1 || share.index > share.procs))) {
    return Status::invalid_argument(what + ": lb share " + std::to_string(share.index) + "/" +
                                    std::to_string(share.procs) + " is out of range");
  }
  return Status::ok();
}

Status apply_filter(pcap_t* p, const std::string& bpf, const std::string& what) {
  if (bpf.empty()) return Status::ok();
  bpf_program prog{};
  if (pcap_compile(p, &prog, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return Status::invalid_argument(what + ": bad capture filter '" + bpf + "': " + pcap_geterr(p));
  }
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) return Status::io_error(what + ": cannot set capture filter: " + pcap_geterr(p));
  return Status::ok();
}

// 16-bit fanout id from interface, lb group and process count: the processes of one lb
// group compute the same id, other groups (almost surely) another.
std::uint16_t fanout_id(const std::string& iface, const LiveOptions& o) {
  std::uint32_t h = 2166136261u;
  for (char c : iface + "\x1f" + o.group + "\x1f" + std::to_string(o.share.procs)) {
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  return static_cast<std::uint16_t>((h >> 16) ^ (h & 0xffff));
}

bool join_fanout(pcap_t* p, const std::string& iface, const LiveOptions& o) {
  const int fd = pcap_fileno(p);
  if (fd < 0) return false;
  const int arg = fanout_id(iface, o) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
  return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) == 0;
}

}  // namespace

PacketSource::PacketSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PacketSource::~PacketSource() = default;

Result<std::unique_ptr<PacketSource>> PacketSource::open_live(const std::string& iface,
                                                              const LiveOptions& o) {
  const std::string what = "interface " + iface;
  if (auto s = check_share(o.share, what); !s) return s;
  char err[PCAP_ERRBUF_SIZE] = {0};
  auto impl = std::make_unique<Impl>();
  impl->name = iface;
  impl->live = true;
  impl->pcap = pcap_create(iface.c_str(), err);
  if (!impl->pcap) return Status::io_error(what + ": " + err);
  pcap_set_snaplen(impl->pcap, o.snaplen);
  pcap_set_promisc(impl->pcap, o.promisc ? 1 : 0);
  // Not immediate mode: libpcap then uses TPACKET_V3 blocks, which hold many small
  // packets, where immediate mode's fixed snaplen-sized frames fit a handful per MB.
  // Packets reach us when a block fills or after the 100 ms timeout.
  pcap_set_timeout(impl->pcap, 100);
  pcap_set_buffer_size(impl->pcap, kBufferBytes);
  const int rc = pcap_activate(impl->pcap);
  if (rc < 0) {
    return Status::io_error(what + ": cannot start capture: " + pcap_geterr(impl->pcap));
  }
  if (pcap_setnonblock(impl->pcap, 1, err) != 0) {
    return Status::io_error(what + ": cannot switch to non-blocking: " + err);
  }
  if (auto s = apply_filter(impl->pcap, o.bpf, what); !s) return s;
  impl->procs = o.share.procs;
  impl->index = o.share.index;
  if (o.share.procs > 1) {
    impl->kernel_fanout = join_fanout(impl->pcap, iface, o);
    impl->in_process_split = !impl->kernel_fanout;
  }
  return std::unique_ptr<PacketSource>(new PacketSource(std::move(impl)));
}

Result<std::unique_ptr<PacketSource>> PacketSource::open_offline(const std::string& path,
                                                                 LbShare share,
                                                                 const std::string& bpf) {
  const std::string what = "pcap file " + path;
  if (auto s = check_share(share, what); !s) return s;
  char err[PCAP_ERRBUF_SIZE] = {0};
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->pcap = pcap_open_offline(path.c_str(), err);
  if (!impl->pcap) return Status::io_error(what + ": " + err);
  if (auto s = apply_filter(impl->pcap, bpf, what); !s) return s;
  impl->procs = share.procs;
  impl->index = share.index;
  impl->in_process_split = share.procs > 1;
  return std::unique_ptr<PacketSource>(new PacketSource(std::move(impl)));
}

int PacketSource::selectable_fd() const {
  return impl_->live ? pcap_get_selectable_fd(impl_->pcap) : -1;
}

Result<int> PacketSource::dispatch(int max, const std::function<void(const PacketView&)>& fn) {
  Impl& im = *impl_;
  int delivered = 0;
  if (im.eof) return Status(kEndOfInput, "end of " + im.name);
  // Live, non-blocking: one read of what is there. Offline: read until `max` packets of
  // our share are delivered or the file ends.
  const int reads = im.live ? max : -1;
  for (int i = 0; delivered < max && (reads < 0 || i < reads); ++i) {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(im.pcap, &h, &data);
    if (rc == 0) break;  // live: nothing more now
    if (rc == PCAP_ERROR_BREAK) {
      im.eof = true;
      if (delivered > 0) break;
      return Status(kEndOfInput, "end of " + im.name);
    }
    if (rc < 0) {
      return Status::io_error((im.live ? "interface " : "pcap file ") + im.name + ": " +
                              pcap_geterr(im.pcap));
    }
    ++im.read;
    PacketView v{std::int64_t{h->ts.tv_sec} * 1000000 + h->ts.tv_usec, data, h->caplen, h->len};
    if (!im.mine(v)) continue;
    ++im.received;
    ++delivered;
    fn(v);
  }
  return delivered;
}

CaptureStats PacketSource::stats() const {
  CaptureStats s;
  s.received = impl_->received;
  s.link = impl_->read;
  if (impl_->live) {
    pcap_stat ps{};
    if (pcap_stats(impl_->pcap, &ps) == 0) {
      s.link = ps.ps_recv;
      s.dropped = std::uint64_t{ps.ps_drop} + ps.ps_ifdrop;
    }
  }
  return s;
}

int PacketSource::linktype() const {
  return pcap_datalink(impl_->pcap);
}
int PacketSource::snaplen() const {
  return pcap_snapshot(impl_->pcap);
}
const std::string& PacketSource::name() const {
  return impl_->name;
}
bool PacketSource::kernel_fanout() const {
  return impl_->kernel_fanout;
}

}  // namespace bc::node
