#include "web/stats_history.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <vector>

#include "common/strings.h"

namespace bc::web {
namespace {

std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto sp = line.find(' ', at);
    const auto end = sp == std::string_view::npos ? line.size() : sp;
    if (end > at) out.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

bool parse_history_line(std::string_view line, const std::string& node, double since,
                        msg::Value& samples, msg::Value& actions) {
  const std::vector<std::string_view> w = words(line);
  if (w.size() < 4 || w[2] != node) return false;
  const auto t = number(w[0]);
  if (!t || *t < since) return false;
  if (w[3].starts_with("action=")) {
    const auto detail_at = line.find(w[3]) + w[3].size();
    msg::Value a = msg::Value::empty_map();
    a.set("t", *t).set("action", std::string(w[3].substr(7)));
    a.set("detail", detail_at < line.size() ? std::string(line.substr(detail_at + 1)) : "");
    actions.push_back(std::move(a));
    return true;
  }
  msg::Value s = msg::Value::empty_map();
  s.set("t", *t);
  for (std::size_t i = 4; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    if (eq == std::string_view::npos) continue;
    const auto v = number(w[i].substr(eq + 1));
    if (v) s.set(std::string(w[i].substr(0, eq)), *v);  // "-": no value, left out
  }
  samples.push_back(std::move(s));
  return true;
}

Result<msg::Value> read_history(const std::string& stats_log, const std::string& node,
                                double since) {
  msg::Value samples = msg::Value::empty_array();
  msg::Value actions = msg::Value::empty_array();
  std::ifstream in(stats_log, std::ios::binary);
  if (in) {
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff from =
        size > static_cast<std::streamoff>(kMaxHistoryBytes) ? size - kMaxHistoryBytes : 0;
    in.seekg(from);
    std::string line;
    if (from > 0) std::getline(in, line);  // a partial line
    while (std::getline(in, line))
      parse_history_line(line, node, since, samples, actions);
  } else if (errno != ENOENT) {
    return Status::io_error("cannot read " + stats_log + ": " + std::strerror(errno));
  }
  msg::Value out = msg::Value::empty_map();
  out.set("node", node).set("since", since).set("samples", std::move(samples));
  out.set("actions", std::move(actions));
  return out;
}

}  // namespace bc::web
