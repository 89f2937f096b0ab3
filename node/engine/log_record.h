#pragma once
// LogRecord and LogSchema: one line of a Zeek-style TSV log and the columns of each log.
// Values are already rendered by the TSV rules (log_format.h): "-" unset, "(empty)" an
// empty set/string, sets joined with ',', times as epoch seconds with 6 decimals,
// separators and non-printable bytes escaped as \xNN.

#include <string>
#include <string_view>
#include <vector>

namespace bc::node {

struct LogRecord {
  std::string stream;               // "conn", "dns", "http", "notice"
  std::vector<std::string> values;  // one per LogSchema::fields entry, in order
};

struct LogSchema {
  std::string path;  // file name stem: <dir>/<path>.log
  std::vector<std::string> fields;
  std::vector<std::string> types;  // Zeek type names: time, string, addr, port, count, ...
};

// conn, dns, http, notice; nullptr for an unknown stream.
const LogSchema* log_schema(std::string_view stream);
// Every stream log_schema() knows, sorted.
std::vector<std::string> log_streams();

}  // namespace bc::node
