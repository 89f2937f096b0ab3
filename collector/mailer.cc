#include "collector/mailer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string_view>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "common/base64.h"
#include "common/exec_path.h"
#include "common/strings.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace bc::collector {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxLine = 998;      // RFC 5322 line limit, without the line end
constexpr std::size_t kMaxSubject = 900;   // bytes, before encoding
constexpr std::size_t kEncodedChunk = 45;  // bytes per RFC 2047 word: 60 base64 chars
constexpr std::size_t kStderrPeek = 4096;  // how much of sendmail's stderr is looked at

std::string errno_text(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);
}

// ---- the message ---------------------------------------------------------------------

// A header value on one line: line breaks and other control characters become spaces.
std::string header_value(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < ' ' || u == 0x7f) c = ' ';
  }
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The longest prefix of `s` not longer than `max` that does not cut a UTF-8 sequence.
std::size_t utf8_cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return n;
}

// RFC 2047 encoded words, folded onto continuation lines.
std::string encode_words(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    const std::size_t n = std::max<std::size_t>(utf8_cut(s, kEncodedChunk), 1);
    if (!out.empty()) out += "\n ";
    out += "=?UTF-8?B?" + base64(s.substr(0, n)) + "?=";
    s.remove_prefix(n);
  }
  return out;
}

std::string subject_header(const std::string& prefix, const std::string& subject) {
  std::string s = header_value(prefix.empty() ? subject : prefix + " " + subject);
  s.resize(utf8_cut(s, kMaxSubject));
  return is_ascii(s) ? s : encode_words(s);
}

std::vector<std::string_view> body_lines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    lines.push_back(body.substr(0, nl));
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
  }
  return lines;
}

// 8bit is fine unless a line is too long, holds a CR or NUL, or is a lone "." (which a
// sendmail without -i takes as the end of input).
bool needs_quoted_printable(const std::vector<std::string_view>& lines) {
  for (auto line : lines) {
    if (line.size() > kMaxLine || line == "." || line.find('\r') != std::string_view::npos ||
        line.find('\0') != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string quoted_printable(const std::vector<std::string_view>& lines) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (auto line : lines) {
    std::size_t col = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (col + 3 > 75) {  // soft break, so that encoded lines stay within 76 characters
        out += "=\n";
        col = 0;
      }
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      const bool encode = c == '=' || c > 126 || (c < 32 && c != '\t') ||
                          ((c == ' ' || c == '\t') && last) || (c == '.' && col == 0);
      if (encode) {
        out += '=';
        out += kHex[c >> 4];
        out += kHex[c & 15];
        col += 3;
      } else {
        out += static_cast<char>(c);
        ++col;
      }
    }
    out += '\n';
  }
  return out;
}

std::string rfc5322_date(std::int64_t wall_us) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = static_cast<std::time_t>(wall_us / 1'000'000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  const long off_min = tm.tm_gmtoff / 60;
  const long abs_min = off_min < 0 ? -off_min : off_min;
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} {}{:02d}{:02d}", kDays[tm.tm_wday],
                     tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, off_min < 0 ? '-' : '+', abs_min / 60, abs_min % 60);
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// The Subject of a queued file (for the logs of a restarted collector); "" if none.
std::string read_subject(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string head(16 * 1024, '\0');
  const ssize_t n = ::read(fd, head.data(), head.size());
  ::close(fd);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  for (auto line : body_lines(head)) {
    if (line.empty()) break;  // end of the headers
    if (line.rfind("Subject: ", 0) == 0) return std::string(line.substr(9));
  }
  return {};
}

// ---- the queue file ------------------------------------------------------------------

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::io_error("cannot write '" + path + "': " + errno_text(n < 0 ? errno : ENOSPC));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::ok();
}

// dir/name appears complete or not at all, and survives a machine crash once returned.
Status write_durably(const std::string& dir, const std::string& name, std::string_view text) {
  const std::string tmp = dir + "/." + name + ".tmp";
  const std::string path = dir + "/" + name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0) return Status::io_error("cannot create '" + tmp + "': " + errno_text(errno));
  Status s = write_all(fd, text, tmp);
  if (s && ::fsync(fd) != 0)
    s = Status::io_error("cannot write '" + tmp + "': " + errno_text(errno));
  if (::close(fd) != 0 && s)
    s = Status::io_error("cannot write '" + tmp + "': " + errno_text(errno));
  if (s && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::io_error("cannot rename '" + tmp + "' to '" + path + "': " + errno_text(errno));
  }
  if (!s) {
    ::unlink(tmp.c_str());
    return s;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

// ---- the child -----------------------------------------------------------------------

// Moves `fd` above 2 so that the child's dup2 onto stdio cannot clobber another of them.
int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

// An unlinked temporary for the child's stderr: nothing to clean up, even after a crash.
int stderr_capture(const std::string& dir) {
  std::string tmpl = dir + "/.stderr-XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd >= 0) {
    ::unlink(tmpl.c_str());
    return above_stdio(fd);
  }
  return above_stdio(::open("/dev/null", O_WRONLY | O_CLOEXEC));
}

// The first non-empty line of what the child wrote to stderr, at most 200 characters.
std::string first_line(int fd) {
  std::string buf(kStderrPeek, '\0');
  const ssize_t n = ::pread(fd, buf.data(), buf.size(), 0);
  buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  for (auto line : body_lines(buf)) {
    const auto t = trim(line);
    if (!t.empty()) return header_value(t.substr(0, 200));
  }
  return {};
}

struct ChildFds {
  int in = -1, out = -1, err = -1;
};

// fork + exec with only async-signal-safe calls in the child. Returns the pid, or -1 with
// errno set to why the program could not be executed (nothing is left running then).
pid_t spawn(const std::string& program, const std::vector<std::string>& args, ChildFds fds) {
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigset_t none;
  sigemptyset(&none);
  const long max_fd = ::sysconf(_SC_OPEN_MAX);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: a timeout kills sendmail and its helpers together
    if (::dup2(fds.in, 0) < 0 || ::dup2(fds.out, 1) < 0 || ::dup2(fds.err, 2) < 0) {
      const int err = errno;
      (void)!::write(pipe_fds[1], &err, sizeof err);
      ::_exit(127);
    }
    for (int sig = 1; sig < NSIG; ++sig)
      ::sigaction(sig, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      for (long fd = 3; fd < max_fd; ++fd)
        ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    }
    ::execv(program.c_str(), argv.data());
    const int err = errno;
    (void)!::write(pipe_fds[1], &err, sizeof err);
    ::_exit(127);
  }
  const int fork_err = errno;
  ::close(pipe_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    errno = fork_err;
    return -1;
  }
  ::setpgid(pid, pid);  // also here, so that a kill right away reaches the group
  int child_err = 0;
  ssize_t n;
  do {  // returns at exec (the pipe closes) or with the child's errno: microseconds
    n = ::read(pipe_fds[0], &child_err, sizeof child_err);
  } while (n < 0 && errno == EINTR);
  ::close(pipe_fds[0]);
  if (n != static_cast<ssize_t>(sizeof child_err)) return pid;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  errno = child_err;
  return -1;
}

std::string describe_exit(int wait_status) {
  if (WIFEXITED(wait_status)) return fmt::format("exited with status {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    return fmt::format("was killed by signal {} ({})", sig, ::strsignal(sig));
  }
  return "ended in an unknown way";
}

}  // namespace

std::string format_mail(const MailSettings& settings, const std::string& subject,
                        const std::string& body, std::int64_t wall_us,
                        const std::string& message_id) {
  const auto lines = body_lines(body);
  const bool qp = needs_quoted_printable(lines);
  std::string m;
  m += "From: " + header_value(settings.from) + "\n";
  m += "To: " + header_value(settings.to) + "\n";
  if (!settings.reply_to.empty()) m += "Reply-To: " + header_value(settings.reply_to) + "\n";
  m += "Subject: " + subject_header(settings.subject_prefix, subject) + "\n";
  m += "Date: " + rfc5322_date(wall_us) + "\n";
  m += "Message-ID: <" + header_value(message_id) + ">\n";
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: text/plain; charset=utf-8\n";
  m += std::string("Content-Transfer-Encoding: ") + (qp ? "quoted-printable" : "8bit") + "\n";
  m += "Auto-Submitted: auto-generated\n";  // RFC 3834: no vacation replies to a daemon
  m += "\n";
  if (qp) {
    m += quoted_printable(lines);
  } else {
    for (auto line : lines) {
      m += line;
      m += '\n';
    }
  }
  return m;
}

Mailer::Mailer(MailSettings settings, const bc::Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  for (const auto& a : split_trimmed(settings_.command, " \t"))
    argv_.push_back(a);
  load_queue();
}

Mailer::~Mailer() {
  for (auto& c : children_) {
    ::kill(-c.pid, SIGKILL);
    ::kill(c.pid, SIGKILL);
    while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    ::close(c.stderr_fd);
    auto it = queue_.find(c.file);
    spdlog::warn("mail '{}': sendmail (pid {}) killed at shutdown; the mail stays queued in {}",
                 it == queue_.end() ? "" : it->second.subject, c.pid, path_of(c.file));
  }
}

void Mailer::load_queue() {
  std::error_code ec;
  fs::create_directories(settings_.queue_dir, ec);
  if (ec) {
    spdlog::warn("mail queue '{}' cannot be created: {}", settings_.queue_dir, ec.message());
    return;
  }
  for (fs::directory_iterator it(settings_.queue_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code sec;
    if (it->symlink_status(sec).type() != fs::file_type::regular) continue;
    if (name.size() > 5 && name[0] != '.' && name.ends_with(".mail")) {
      queue_[name] = Entry{read_subject(it->path().string()), 0, clock_.now(), false};
    } else if ((name[0] == '.' && name.ends_with(".tmp")) || name.starts_with(".stderr-")) {
      ::unlink(it->path().c_str());  // left by a crash in send() or start(): never queued
    }
  }
  if (ec) spdlog::warn("mail queue '{}' cannot be read: {}", settings_.queue_dir, ec.message());
  if (!queue_.empty()) {
    spdlog::info("mail queue '{}': {} queued mail(s) to send", settings_.queue_dir, queue_.size());
  }
}

std::vector<std::string> Mailer::queue_files() const {
  std::vector<std::string> files;
  for (const auto& [name, entry] : queue_)
    files.push_back(path_of(name));
  return files;
}

Status Mailer::send(const std::string& subject, const std::string& body) {
  if (!settings_.enabled) {
    spdlog::info("SendMail is off: mail '{}' not sent", subject);
    return Status::ok();
  }
  const std::int64_t wall = clock_.wall_us();
  ++seq_;
  const std::string name = fmt::format("{:016d}-{}-{}.mail", wall, ::getpid(), seq_);
  const std::string id = fmt::format("{}.{}.{}@{}", wall, ::getpid(), seq_, host_name());
  const std::string text = format_mail(settings_, subject, body, wall, id);
  if (Status s = write_durably(settings_.queue_dir, name, text); !s) {
    spdlog::error("mail '{}' could not be queued: {}", subject, s.message());
    return s;
  }
  // The Subject as a restarted collector reads it back from the file, prefix included.
  const std::string logged = header_value(
      settings_.subject_prefix.empty() ? subject : settings_.subject_prefix + " " + subject);
  queue_[name] = Entry{logged, 0, clock_.now(), false};
  start_due();
  return Status::ok();
}

void Mailer::poll() {
  if (!settings_.enabled) return;
  reap();
  start_due();
}

void Mailer::start_due() {
  const TimePoint now = clock_.now();
  std::vector<std::string> due;
  for (const auto& [name, entry] : queue_) {
    if (!entry.in_flight && entry.next_try <= now) due.push_back(name);
  }
  for (const auto& name : due) {
    if (children_.size() >= kMaxChildren) return;
    auto it = queue_.find(name);
    if (it != queue_.end()) start(name, it->second);
  }
}

void Mailer::start(const std::string& file, Entry& entry) {
  if (argv_.empty()) return record_failure(file, entry, "cannot run: SendMailCommand is empty");
  const auto program = find_in_path(argv_[0], process_path());
  if (!program) {
    return record_failure(file, entry, "cannot execute '" + argv_[0] + "': not found in PATH");
  }
  const int in = above_stdio(::open(path_of(file).c_str(), O_RDONLY | O_CLOEXEC));
  if (in < 0) {
    const int err = errno;
    if (err != ENOENT)
      return record_failure(file, entry, "cannot read the queue file: " + errno_text(err));
    spdlog::warn("mail '{}': queue file {} has disappeared; dropped", entry.subject, path_of(file));
    queue_.erase(file);
    return;
  }
  const int out = above_stdio(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  const int err_fd = stderr_capture(settings_.queue_dir);
  const pid_t pid = out < 0 || err_fd < 0 ? -1 : spawn(*program, argv_, {in, out, err_fd});
  const int spawn_err = errno;
  ::close(in);
  if (out >= 0) ::close(out);
  if (pid < 0) {
    if (err_fd >= 0) ::close(err_fd);
    return record_failure(file, entry,
                          "cannot execute '" + *program + "': " + errno_text(spawn_err));
  }
  entry.in_flight = true;
  children_.push_back(Child{pid, file, err_fd, clock_.now() + kTimeout, false});
  spdlog::debug("mail '{}': sendmail started (pid {})", entry.subject, pid);
}

void Mailer::reap() {
  const TimePoint now = clock_.now();
  for (std::size_t i = 0; i < children_.size();) {
    Child& c = children_[i];
    int status = 0;
    const pid_t r = ::waitpid(c.pid, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
      if (!c.killed && now >= c.deadline) {
        ::kill(-c.pid, SIGKILL);
        ::kill(c.pid, SIGKILL);
        c.killed = true;
      }
      ++i;
      continue;
    }
    // r < 0 (ECHILD): someone else reaped it (SIGCHLD set to SIG_IGN?): unknown, a failure.
    finish(c, r == c.pid ? status : -1);
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void Mailer::finish(Child& c, int wait_status) {
  const std::string line = first_line(c.stderr_fd);
  ::close(c.stderr_fd);
  auto it = queue_.find(c.file);
  if (it == queue_.end()) return;
  Entry& entry = it->second;
  entry.in_flight = false;
  if (!c.killed && wait_status != -1 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
    if (::unlink(path_of(c.file).c_str()) != 0 && errno != ENOENT) {
      const int err = errno;
      spdlog::warn(
          "mail '{}' sent, but its queue file {} cannot be removed ({}); it will be "
          "sent again after a restart",
          entry.subject, path_of(c.file), errno_text(err));
    }
    spdlog::info("mail '{}' sent", entry.subject);
    ++sent_;
    queue_.erase(it);
    return;
  }
  std::string why = c.killed ? fmt::format("timed out after {} s and was killed", kTimeout.count())
                    : wait_status == -1 ? std::string("ended, but its exit status was lost")
                                        : describe_exit(wait_status);
  if (!line.empty()) why += ": " + line;
  record_failure(c.file, entry, why);
}

void Mailer::record_failure(const std::string& file, Entry& entry, const std::string& why) {
  ++failed_;
  ++entry.failures;
  auto delay = kFirstRetry;
  for (int i = 1; i < entry.failures && delay < kMaxRetry; ++i)
    delay *= 2;
  delay = std::min(delay, kMaxRetry);
  entry.next_try = clock_.now() + delay;
  spdlog::warn("mail '{}' ({}): '{}' {}; kept queued, next try in {} s", entry.subject,
               path_of(file), settings_.command, why, delay.count());
}

}  // namespace bc::collector
