#pragma once
// Reads command lines: libedit (history, tab completion) when stdin is a terminal, plain
// line reads with the prompt echoed otherwise, so scripted sessions and tests behave the
// same as people. One LineReader at a time (libedit's readline API is process-global).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bc::shell {

class LineReader {
 public:
  using Completer =
      std::function<std::vector<std::string>(const std::vector<std::string>&, std::string_view)>;

  LineReader(std::string prompt, Completer completer);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its newline; nullopt at EOF.
  std::optional<std::string> read_line();
  // Adds a line to the history (saved to ~/.brocluster_history on destruction).
  void remember(const std::string& line);

 private:
  std::string prompt_;
  Completer completer_;
  bool tty_;
  std::string history_path_;
};

}  // namespace bc::shell
