#include "node/engine/log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/strings.h"

namespace bc::node {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

// Zeek's #open/#close stamp: local time, "2024-05-17-10-00-00".
std::string stamp(std::int64_t wall_us) {
  const std::time_t t = static_cast<std::time_t>(wall_us / 1000000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d-%H-%M-%S", &tm);
  return buf;
}

// A value must never break the line structure, whoever rendered it.
void append_value(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\t') {
      out += "\\x09";
    } else if (c == '\n') {
      out += "\\x0a";
    } else {
      out += c;
    }
  }
}

}  // namespace

LogWriter::LogWriter(std::string dir, const LogSchema& schema, const Clock* clock)
    : dir_(std::move(dir)),
      schema_(schema),
      path_(dir_ + "/" + schema.path + ".log"),
      clock_(clock) {
  if (!clock_) {
    own_clock_ = std::make_unique<SystemClock>();
    clock_ = own_clock_.get();
  }
}

LogWriter::~LogWriter() {
  close();
}

Status LogWriter::open() {
  if (fd_ >= 0) return Status::ok();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::io_error("cannot open log " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
  return write_header();
}

Status LogWriter::write_header() {
  std::string h;
  h += "#separator \\x09\n";
  h += "#set_separator\t,\n";
  h += "#empty_field\t(empty)\n";
  h += "#unset_field\t-\n";
  h += "#path\t" + schema_.path + "\n";
  h += "#open\t" + stamp(clock_->wall_us()) + "\n";
  h += "#fields\t" + join(schema_.fields, "\t") + "\n";
  h += "#types\t" + join(schema_.types, "\t") + "\n";
  return write_out(h);
}

Status LogWriter::write(const LogRecord& record) {
  if (record.values.size() != schema_.fields.size()) {
    return Status::invalid_argument("log record for stream '" + schema_.path + "' has " +
                                    std::to_string(record.values.size()) + " values, expected " +
                                    std::to_string(schema_.fields.size()));
  }
  if (auto s = open(); !s) return s;
  for (std::size_t i = 0; i < record.values.size(); ++i) {
    if (i) buffer_ += '\t';
    append_value(buffer_, record.values[i]);
  }
  buffer_ += '\n';
  ++records_;
  if (buffer_.size() >= kFlushAt) {
    std::string out;
    out.swap(buffer_);
    return write_out(out);
  }
  return Status::ok();
}

Status LogWriter::write_out(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io_error("cannot write log " + path_ + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

bool LogWriter::renamed_away() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return true;
  return st.st_dev != dev_ || st.st_ino != ino_;
}

Status LogWriter::flush() {
  if (fd_ < 0) return Status::ok();
  if (!buffer_.empty()) {
    std::string out;
    out.swap(buffer_);
    if (auto s = write_out(out); !s) return s;
  }
  // Rotation: the collector renamed our file; finish the old one, start a new one.
  if (renamed_away()) return reopen();
  return Status::ok();
}

Status LogWriter::reopen() {
  if (auto s = close(); !s) return s;
  return open();
}

Status LogWriter::close() {
  if (fd_ < 0) return Status::ok();
  buffer_ += "#close\t" + stamp(clock_->wall_us()) + "\n";
  std::string out;
  out.swap(buffer_);
  Status s = write_out(out);
  ::close(fd_);
  fd_ = -1;
  return s;
}

}  // namespace bc::node
