#include "collector/zeek_log.h"

#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>

#include "common/os_error.h"
#include "common/strings.h"

namespace bc::collector {
namespace {

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', begin);
    out.emplace_back(line.substr(begin, tab == std::string_view::npos ? tab : tab - begin));
    if (tab == std::string_view::npos) return out;
    begin = tab + 1;
  }
}

}  // namespace

std::optional<ZeekFields> ZeekFields::parse(std::string_view line) {
  if (!line.starts_with("#fields\t")) return std::nullopt;
  ZeekFields f;
  f.names_ = split_tabs(line.substr(8));
  return f;
}

int ZeekFields::index(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

ZeekRecord::ZeekRecord(const ZeekFields& fields, std::string_view line)
    : fields_(&fields), values_(split_tabs(line)) {}

std::string ZeekRecord::get(std::string_view field) const {
  const int i = fields_->index(field);
  if (i < 0 || static_cast<std::size_t>(i) >= values_.size()) return {};
  const std::string& v = values_[static_cast<std::size_t>(i)];
  return v == "-" || v == "(empty)" ? std::string() : v;
}

double ZeekRecord::number(std::string_view field) const {
  const std::string v = get(field);
  double out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size() ? out : 0;
}

Status read_zeek_log(const std::string& path, const std::function<void(const ZeekRecord&)>& row) {
  // gzopen reads plain files too, so one path serves archived and live logs.
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) {
    return errno == ENOENT ? Status::not_found(quoted(path) + " does not exist")
                           : io_status("cannot read " + quoted(path), errno);
  }
  ZeekFields fields;
  std::string line;
  char buf[8192];
  long line_no = 0;
  Status result = Status::ok();
  while (gzgets(in, buf, sizeof buf) != nullptr) {
    line.append(buf);
    if (line.empty() || line.back() != '\n') {
      if (!gzeof(in)) continue;  // a line longer than the buffer: keep reading it
    } else {
      line.pop_back();
    }
    ++line_no;
    if (line.starts_with("#")) {
      if (auto f = ZeekFields::parse(line)) fields = std::move(*f);
    } else if (!line.empty()) {
      if (fields.empty()) {
        result = Status::bad_message(path + ":" + std::to_string(line_no) +
                                     ": a record before the #fields header");
        break;
      }
      row(ZeekRecord(fields, line));
    }
    line.clear();
  }
  int err = 0;
  const char* message = gzerror(in, &err);
  if (result.is_ok() && err != Z_OK && err != Z_STREAM_END) {
    result = Status::io_error("cannot read " + quoted(path) + ": " + message);
  }
  gzclose(in);
  return result;
}

}  // namespace bc::collector
