#include "node/engine/trace_writer.h"

#include <pcap/pcap.h>

#include <algorithm>

namespace bc::node {

struct TraceWriter::Impl {
  pcap_t* dead = nullptr;
  pcap_dumper_t* dumper = nullptr;
  int snaplen = 0;
};

TraceWriter::TraceWriter() : impl_(std::make_unique<Impl>()) {}
TraceWriter::~TraceWriter() {
  close();
}

Status TraceWriter::open(const std::string& path, int linktype, int snaplen) {
  close();
  path_ = path;
  impl_->snaplen = snaplen > 0 ? snaplen : 65535;
  impl_->dead = pcap_open_dead(linktype, impl_->snaplen);
  if (!impl_->dead) return Status::io_error("cannot create pcap handle for trace " + path);
  impl_->dumper = pcap_dump_open(impl_->dead, path.c_str());
  if (!impl_->dumper) {
    Status s = Status::io_error("cannot open trace file " + path + ": " + pcap_geterr(impl_->dead));
    pcap_close(impl_->dead);
    impl_->dead = nullptr;
    return s;
  }
  return Status::ok();
}

Status TraceWriter::write(const PacketView& packet) {
  if (!impl_->dumper) return Status::internal("trace writer not open");
  pcap_pkthdr h{};
  h.ts.tv_sec = packet.ts_us / 1000000;
  h.ts.tv_usec = packet.ts_us % 1000000;
  h.caplen = std::min<std::uint32_t>(packet.caplen, static_cast<std::uint32_t>(impl_->snaplen));
  h.len = packet.len;
  pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &h, packet.data);
  return Status::ok();
}

Status TraceWriter::flush() {
  if (impl_->dumper && pcap_dump_flush(impl_->dumper) != 0) {
    return Status::io_error("cannot write trace file " + path_);
  }
  return Status::ok();
}

void TraceWriter::close() {
  if (impl_->dumper) pcap_dump_close(impl_->dumper);
  if (impl_->dead) pcap_close(impl_->dead);
  impl_->dumper = nullptr;
  impl_->dead = nullptr;
}

bool TraceWriter::is_open() const {
  return impl_->dumper != nullptr;
}

}  // namespace bc::node
