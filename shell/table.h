#pragma once
// Plain-text tables for the shell's listings (status, top, df): left-aligned columns
// sized to their widest cell, two spaces apart, no trailing blanks.

#include <string>
#include <vector>

namespace bc::shell {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // REQUIRES: row.size() == number of headers.
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "1.2G", "340M", "12K", "512" — sizes as top shows them.
std::string human_bytes(double bytes);

}  // namespace bc::shell
