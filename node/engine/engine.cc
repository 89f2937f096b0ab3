#include "node/engine/engine.h"

namespace bc::node {

struct Engine::Impl {
  EngineSettings settings;
  RecordSink* sink;
  int linktype;
  EngineCounters counters;
};

Engine::Engine(const EngineSettings& settings, RecordSink& sink, int linktype)
    : impl_(std::make_unique<Impl>(Impl{settings, &sink, linktype, {}})) {}
Engine::~Engine() = default;
void Engine::process(const PacketView& packet) {
  ++impl_->counters.packets;
  impl_->counters.bytes += packet.len;
}
void Engine::advance(std::int64_t) {}
void Engine::flush_all(std::int64_t) {}
void Engine::apply(const EngineSettings& settings) {
  impl_->settings = settings;
}
void Engine::set_linktype(int linktype) {
  impl_->linktype = linktype;
}
EngineCounters Engine::counters() const {
  return impl_->counters;
}

std::vector<std::string> supported_analyses() {
  return {"dns", "http-body", "http-header", "http-reply", "http-request", "scan"};
}

}  // namespace bc::node
