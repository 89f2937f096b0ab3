#include "daemon/daemon_util.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace bc::daemon {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// The original process: wait for the daemon's word, then exit with it.
[[noreturn]] void wait_for_daemon(int read_fd, int deadline_ms) {
  std::string report;
  pollfd pfd{read_fd, POLLIN, 0};
  while (poll(&pfd, 1, deadline_ms) > 0) {
    char buf[512];
    const ssize_t n = read(read_fd, buf, sizeof buf);
    if (n <= 0) break;
    report.append(buf, static_cast<std::size_t>(n));
    if (report.find('\n') != std::string::npos) break;
  }
  if (report == "ok\n") _exit(0);
  if (report.empty()) report = "daemon exited or did not become ready in time\n";
  std::cerr << "Error: " << report << std::flush;
  _exit(1);
}

void notify_systemd() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const char msg[] = "READY=1";
  (void)sendto(fd, msg, sizeof msg - 1, 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  close(fd);
}

}  // namespace

void raise_open_files_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return;
  if (files.rlim_cur >= files.rlim_max) {
    spdlog::info("open files: limit {} (soft = hard)", files.rlim_max);
    return;
  }
  const rlim_t before = files.rlim_cur;
  files.rlim_cur = files.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &files) != 0) {
    spdlog::warn("open files: cannot raise the soft limit {} to the hard limit {}: {}", before,
                 files.rlim_max, std::strerror(errno));
    return;
  }
  spdlog::info("open files: soft limit raised from {} to the hard limit {}", before,
               files.rlim_max);
}

Result<int> acquire_pid_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error("cannot open pid file " + path + ": " + errno_text());
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    (void)pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    return Status(ErrorCode::kBusy, "already running with pid " +
                                        std::string(buf).substr(0, std::strcspn(buf, "\n")) +
                                        " (pid file " + path + ")");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    close(fd);
    return Status::io_error("cannot write pid file " + path + ": " + errno_text());
  }
  return fd;
}

Result<int> detach(int deadline_ms) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::io_error("pipe: " + errno_text());
  const pid_t first = fork();
  if (first < 0) return Status::io_error("fork: " + errno_text());
  if (first > 0) {
    close(fds[1]);
    wait_for_daemon(fds[0], deadline_ms);
  }
  close(fds[0]);
  setsid();
  const pid_t second = fork();
  if (second < 0) _exit(1);
  if (second > 0) _exit(0);  // the session leader goes; the daemon can never regain a tty
  const int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    if (null_fd > 2) close(null_fd);
  }
  return fds[1];
}

void report_ready(int fd, std::string_view error) {
  if (error.empty()) notify_systemd();
  if (fd < 0) return;
  const std::string line = error.empty() ? "ok\n" : std::string(error) + "\n";
  (void)write(fd, line.data(), line.size());
  close(fd);
}

std::shared_ptr<spdlog::logger> setup_logging(const std::string& component,
                                              const std::string& log_path,
                                              const std::string& debug_log, bool foreground) {
  const bool debug = !debug_log.empty();
  std::vector<spdlog::sink_ptr> sinks;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(log_path).parent_path(), ec);
  try {
    sinks.push_back(
        std::make_shared<spdlog::sinks::rotating_file_sink_mt>(log_path, 10 * 1024 * 1024, 5));
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "Warning: cannot log to " << log_path << ": " << e.what() << '\n';
  }
  if (debug) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(debug_log));
    } catch (const spdlog::spdlog_ex& e) {
      std::cerr << "Warning: cannot log to " << debug_log << ": " << e.what() << '\n';
    }
  }
  if (foreground) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>(component, sinks.begin(), sinks.end());
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n[%P] %l: %v");
  spdlog::set_default_logger(logger);
  return logger;
}

}  // namespace bc::daemon
