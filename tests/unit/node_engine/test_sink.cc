#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {

std::vector<LogRecord> CollectSink::of(const std::string& stream) const {
  std::vector<LogRecord> out;
  for (const auto& r : records) {
    if (r.stream == stream) out.push_back(r);
  }
  return out;
}

std::map<std::string, std::string> fields(const LogRecord& r) {
  std::map<std::string, std::string> m;
  const LogSchema* s = log_schema(r.stream);
  if (!s) return m;
  for (std::size_t i = 0; i < s->fields.size() && i < r.values.size(); ++i) {
    m[s->fields[i]] = r.values[i];
  }
  return m;
}

PacketView view_of(const bc::test::Frame& f) {
  return PacketView{
      f.ts_us, reinterpret_cast<const std::uint8_t*>(f.bytes.data()),
      static_cast<std::uint32_t>(f.bytes.size()),
      std::max<std::uint32_t>(f.wire_len, static_cast<std::uint32_t>(f.bytes.size()))};
}

CollectSink run_engine(const bc::test::PcapBuilder& b, const EngineSettings& s, bool flush) {
  CollectSink sink;
  Engine e(s, sink);
  std::int64_t last = 0;
  for (const auto& f : b.frames()) {
    e.process(view_of(f));
    last = std::max(last, f.ts_us);
  }
  if (flush) e.flush_all(last + 1'000'000);
  return sink;
}

}  // namespace bc::node::test
