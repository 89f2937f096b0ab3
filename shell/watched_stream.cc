#include "shell/watched_stream.h"

#include <algorithm>

namespace bc::shell {

std::streambuf::int_type WatchedStreambuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  note(&ch, 1);
  return target_->sputc(ch);
}

std::streamsize WatchedStreambuf::xsputn(const char* s, std::streamsize n) {
  note(s, static_cast<std::size_t>(n));
  return target_->sputn(s, n);
}

void WatchedStreambuf::note(const char* s, std::size_t n) {
  written_ += n;
  if (text_.size() < keep_) text_.append(s, std::min(n, keep_ - text_.size()));
}

}  // namespace bc::shell
