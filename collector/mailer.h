#pragma once
// Mailer: the collector's mail, sent through SendMailCommand (sendmail-compatible: reads a
// complete message, headers included, on stdin; `-t` takes the recipients from the
// headers). Owned by the collector's event loop; thread-compatible. It forks, but only
// async-signal-safe calls run between fork and exec, so ZeroMQ's threads do not matter.
//
// Nothing is lost: send() first writes the message as a complete RFC 5322 file into
// queue_dir (temporary + fsync + rename), and the file is deleted only when sendmail has
// exited 0. A failure (non-zero exit, a signal, a missing or unexecutable binary, more
// than kTimeout running) is logged with spdlog warn (the command, the exit status and
// the first line of sendmail's stderr) and the file is retried after 1 min, 2 min, 4 min,
// ... at most 1 h apart. A new Mailer (a restarted collector) retries every queued file
// at its first poll(). Nothing here is fatal or throws.
//
// Each sendmail runs in its own process group, with the queue file on stdin, stdout on
// /dev/null and stderr in an unlinked temporary file. Children are reaped with
// waitpid(pid, WNOHANG) on their own pids only (never waitpid(-1), which would steal the
// children of other parts of the daemon). At most kMaxChildren run at once. The destructor
// kills (SIGKILL to the group) and reaps children still running: their files stay queued
// and are sent again by the next Mailer — a mail may then arrive twice, but never not.
//
// Messages use LF line ends (the local sendmail convention). The body goes as 8bit UTF-8,
// or as quoted-printable when a line is longer than 998 bytes, holds a CR or NUL, or is a
// lone "." (which a sendmail without -i would take as the end of the message). A subject
// with non-ASCII characters is written as RFC 2047 encoded words. CR and LF in header
// values are replaced by spaces (no header injection).

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace bc::collector {

struct MailSettings {
  bool enabled;         // SendMail option
  std::string command;  // SendMailCommand, e.g. "/usr/sbin/sendmail -t" (split on spaces)
  std::string from, to, reply_to, subject_prefix;  // MailFrom, MailTo, MailReplyTo,
                                                   // MailSubjectPrefix
  std::string queue_dir;                           // SpoolDir/mail
};

// The complete message text (headers, blank line, body) as send() queues it. `wall_us`
// gives the Date header (local time with its UTC offset), `message_id` the Message-ID
// header (without the angle brackets).
std::string format_mail(const MailSettings& settings, const std::string& subject,
                        const std::string& body, std::int64_t wall_us,
                        const std::string& message_id);

class Mailer {
 public:
  static constexpr std::size_t kMaxChildren = 4;
  static constexpr std::chrono::seconds kTimeout{60};
  static constexpr std::chrono::seconds kFirstRetry{60};
  static constexpr std::chrono::seconds kMaxRetry{3600};

  // Creates queue_dir if needed, removes temporaries left by a crash in the middle of
  // send() and schedules every queued file for an immediate retry (at the first poll()).
  // `clock` must outlive the Mailer.
  Mailer(MailSettings settings, const bc::Clock& clock);
  ~Mailer();
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  // Queues a mail (written to queue_dir as a complete RFC 5322 message file first, so
  // nothing is lost if sending fails or the collector dies) and starts sending it without
  // blocking (when fewer than kMaxChildren are running; otherwise poll() starts it). No-op
  // (returns ok, logs at info) when !enabled. An error only when the file cannot be
  // written (the message names the path); a failure to send is not an error here.
  Status send(const std::string& subject, const std::string& body);

  // Non-blocking housekeeping called from the event loop (every ~100 ms and on SIGCHLD):
  // reaps finished sendmail children, deletes the queue file on exit 0, keeps it on
  // failure, kills a sendmail running longer than kTimeout (a failure), and starts queued
  // files whose retry time has come. Does nothing when !enabled (files queued by an
  // earlier run stay queued until SendMail is switched on again).
  void poll();

  std::size_t queued() const { return queue_.size(); }  // files in queue_dir, sending or not
  std::uint64_t sent() const { return sent_; }
  std::uint64_t failed_attempts() const { return failed_; }
  std::size_t in_flight() const { return children_.size(); }  // sendmails running
  // The queue file paths, oldest first (for `cron` output and tests).
  std::vector<std::string> queue_files() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Entry {
    std::string subject;  // for the logs
    int failures = 0;
    TimePoint next_try;
    bool in_flight = false;
  };
  struct Child {
    pid_t pid = -1;
    std::string file;    // key into queue_
    int stderr_fd = -1;  // the unlinked temporary holding the child's stderr
    TimePoint deadline;
    bool killed = false;  // by us, after kTimeout
  };

  void load_queue();
  void start_due();
  void start(const std::string& file, Entry& entry);
  void reap();
  void finish(Child& child, int wait_status);
  void record_failure(const std::string& file, Entry& entry, const std::string& why);
  std::string path_of(const std::string& file) const { return settings_.queue_dir + "/" + file; }

  MailSettings settings_;
  const bc::Clock& clock_;
  std::vector<std::string> argv_;       // SendMailCommand split on spaces
  std::map<std::string, Entry> queue_;  // file name -> state; names sort oldest first
  std::vector<Child> children_;
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t seq_ = 0;  // makes queue file names and Message-IDs unique
};

}  // namespace bc::collector
