#pragma once
// JsonWriter: builds compact one-line JSON (RFC 8259) into a string. Used for message
// rendering (`tap --json`) and by the shell's --json output. Not thread-safe; one writer
// per document.
//
// Strings are escaped per RFC 8259 (", \, control characters); valid UTF-8 passes through
// unchanged and each byte of an invalid UTF-8 sequence becomes U+FFFD, so the output is
// always valid JSON text. Non-finite doubles are written as null. The writer inserts
// commas itself; REQUIRES: calls form a well-nested document (key() only inside an
// object, before each of its values).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bc::msg {

class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);

  void null_value();
  void bool_value(bool b);
  void int_value(std::int64_t i);
  void uint_value(std::uint64_t u);
  void double_value(double d);
  void string_value(std::string_view s);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

// Appends s as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);
// Shortest text that reads back as the same double; "null" when not finite.
void append_json_double(std::string& out, double d);

}  // namespace bc::msg
