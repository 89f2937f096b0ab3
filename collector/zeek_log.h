#pragma once
// Reading the cluster's logs in Bro/Zeek's tab-separated format (the reference node writes
// them, see docs/ENGINE.md): a `#fields` header line names the columns, `#`-lines are
// metadata, every other line is one record. Used by the collector's notice mail and the
// traffic summary. Thread-compatible.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bc::collector {

// The column layout of one log, from its `#fields` line.
class ZeekFields {
 public:
  ZeekFields() = default;
  // Parses "#fields\tts\tuid\t..."; nullopt when `line` is not a #fields line.
  static std::optional<ZeekFields> parse(std::string_view line);
  // The column of `name`, or -1 when the log has no such field.
  int index(std::string_view name) const;
  bool empty() const { return names_.empty(); }

 private:
  std::vector<std::string> names_;
};

// One record split at tabs. Unset ("-") and empty ("(empty)") fields read as "".
class ZeekRecord {
 public:
  ZeekRecord(const ZeekFields& fields, std::string_view line);
  std::string get(std::string_view field) const;
  // A numeric field; 0 when unset or not a number.
  double number(std::string_view field) const;

 private:
  const ZeekFields* fields_;
  std::vector<std::string> values_;
};

// Calls `row` for every record of a whole log file, plain or gzip-compressed (".gz").
// kNotFound when the file does not exist; kBadMessage naming the file when it has records
// before any #fields line; kIo for read errors.
Status read_zeek_log(const std::string& path, const std::function<void(const ZeekRecord&)>& row);

}  // namespace bc::collector
