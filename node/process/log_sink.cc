#include "node/process/log_sink.h"

#include <spdlog/spdlog.h>

namespace bc::node {

void LogSink::write(const LogRecord& record) {
  auto it = writers_.find(record.stream);
  if (it == writers_.end()) {
    const LogSchema* schema = log_schema(record.stream);
    if (schema == nullptr) {
      ++rejected_;
      return;
    }
    it = writers_.emplace(record.stream, std::make_unique<LogWriter>(dir_, *schema)).first;
  }
  if (Status s = it->second->write(record); !s) {
    ++rejected_;
    if (s.code() == ErrorCode::kIo) io_failed_ = true;
    spdlog::warn("dropped a {} record: {}", record.stream, s.message());
    return;
  }
  ++records_;
}

bool LogSink::flush() {
  bool ok = !io_failed_;
  io_failed_ = false;
  for (auto& [stream, writer] : writers_) {
    if (Status s = writer->flush(); !s) {
      spdlog::error("{}", s.message());
      ok = false;
    }
  }
  return ok;
}

std::vector<std::string> LogSink::reopen() {
  std::vector<std::string> paths;
  for (auto& [stream, writer] : writers_) {
    if (Status s = writer->reopen(); !s) {
      spdlog::error("{}", s.message());
      continue;
    }
    paths.push_back(writer->path());
  }
  return paths;
}

void LogSink::close() {
  for (auto& [stream, writer] : writers_) {
    if (Status s = writer->close(); !s) spdlog::error("{}", s.message());
  }
}

std::vector<std::string> LogSink::files() const {
  std::vector<std::string> out;
  for (const auto& [stream, writer] : writers_)
    out.push_back(writer->path());
  return out;
}

void RecentNotices::add(const LogRecord& notice) {
  notices_.push_back(notice);
  ++total_;
  if (notices_.size() > LogSink::kRecentNotices) notices_.pop_front();
}

std::vector<std::map<std::string, std::string>> RecentNotices::latest(std::size_t limit) const {
  std::vector<std::map<std::string, std::string>> out;
  const LogSchema* schema = log_schema("notice");
  const std::size_t skip = notices_.size() > limit ? notices_.size() - limit : 0;
  for (std::size_t i = skip; i < notices_.size(); ++i) {
    std::map<std::string, std::string> fields;
    const LogRecord& r = notices_[i];
    for (std::size_t f = 0; f < r.values.size(); ++f) {
      const bool named = schema != nullptr && f < schema->fields.size();
      fields[named ? schema->fields[f] : "field" + std::to_string(f)] = r.values[f];
    }
    out.push_back(std::move(fields));
  }
  return out;
}

}  // namespace bc::node
