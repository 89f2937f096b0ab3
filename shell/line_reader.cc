#include "shell/line_reader.h"

#include <editline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "shell/interrupt.h"
#include "shell/tokenize.h"

namespace bc::shell {
namespace {

constexpr int kHistoryEntries = 1000;

// readline's completion hooks are plain C function pointers without a user-data
// argument, so the active reader's state has to live here.
LineReader::Completer* g_completer = nullptr;
std::vector<std::string> g_matches;

char* next_match(const char* /*text*/, int state) {
  if (state < 0 || static_cast<std::size_t>(state) >= g_matches.size()) return nullptr;
  return strdup(g_matches[static_cast<std::size_t>(state)].c_str());
}

char** complete(const char* text, int start, int /*end*/) {
  rl_attempted_completion_over = 1;  // never fall back to file name completion
  if (g_completer == nullptr) return nullptr;
  const std::string before(rl_line_buffer, static_cast<std::size_t>(start));
  auto words = tokenize(before);
  if (!words.is_ok()) return nullptr;
  g_matches = (*g_completer)(*words, text);
  return rl_completion_matches(text, next_match);
}

}  // namespace

LineReader::LineReader(std::string prompt, Completer completer)
    : prompt_(std::move(prompt)), completer_(std::move(completer)), tty_(isatty(0) != 0) {
  if (!tty_) return;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    history_path_ = std::string(home) + "/.brocluster_history";
  }
  g_completer = &completer_;
  rl_readline_name = "brocluster";
  rl_attempted_completion_function = complete;
  using_history();
  stifle_history(kHistoryEntries);
  if (!history_path_.empty()) read_history(history_path_.c_str());
}

LineReader::~LineReader() {
  if (!tty_) return;
  if (!history_path_.empty()) write_history(history_path_.c_str());
  g_completer = nullptr;
}

std::optional<std::string> LineReader::read_line() {
  // Ctrl-C at the prompt ends the read (EINTR: the handler is installed without
  // SA_RESTART) with the flag set: like a shell, drop the half-typed line and prompt again
  // (on the next line: the handler ends the one the terminal echoed ^C on).
  while (true) {
    clear_interrupt();
    if (tty_) {
      char* raw = readline(prompt_.c_str());
      if (raw == nullptr) {
        if (interrupted()) continue;
        std::cout << '\n';
        return std::nullopt;
      }
      std::string line(raw);
      std::free(raw);
      return line;
    }
    std::cout << prompt_ << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
      if (interrupted() && !std::cin.eof()) {
        std::cin.clear();
        continue;
      }
      std::cout << '\n';
      return std::nullopt;
    }
    return line;
  }
}

void LineReader::remember(const std::string& line) {
  if (tty_) add_history(line.c_str());
}

}  // namespace bc::shell
