#pragma once
// A stream buffer that passes everything on to another one and remembers how much went
// through (and, when asked, the text itself, up to a cap): how the shell knows, after a
// command, whether it printed its JSON document and what it said on stderr. Unbuffered, so
// that progress lines and `tap` events reach the terminal as they are written.

#include <cstddef>
#include <streambuf>
#include <string>

namespace bc::shell {

class WatchedStreambuf : public std::streambuf {
 public:
  // `keep`: the number of bytes of text kept for text() (0: none).
  WatchedStreambuf(std::streambuf* target, std::size_t keep) : target_(target), keep_(keep) {}

  // Bytes written since the last reset().
  std::size_t written() const { return written_; }
  // The first `keep` bytes written since the last reset().
  const std::string& text() const { return text_; }
  void reset() {
    written_ = 0;
    text_.clear();
  }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override { return target_->pubsync(); }

 private:
  void note(const char* s, std::size_t n);

  std::streambuf* target_;
  std::size_t keep_;
  std::size_t written_ = 0;
  std::string text_;
};

}  // namespace bc::shell
