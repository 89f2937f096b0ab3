#pragma once
// CrashReport: published by a supervisor on crash.<host>.<node> after it has written the
// crash record to record_dir on its own disk (the record is the durable copy; the event
// is the notification). `diag` prints it; the collector mails it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/envelope.h"
#include "messages/fields.h"

namespace bc::msg {

struct CrashReport {
  static constexpr std::string_view kType = "crash";

  Envelope env = Envelope::of(kType);
  std::string node;
  std::string node_type;
  std::int64_t pid = 0;
  std::int32_t exit_code = -1;  // -1 when killed by a signal
  std::int32_t signal = 0;      // 0 when it exited
  bool core_dumped = false;
  std::optional<std::string> core_path;    // the core kept in record_dir
  std::optional<std::uint64_t> core_size;  // its size in bytes (also when it was not kept)
  // Why no core is in the record although one may exist: over CrashCoreMaxSize, or the
  // kernel's core_pattern sends cores elsewhere (systemd-coredump, another directory).
  std::optional<std::string> core_note;
  std::int64_t started_at = 0;  // us since epoch
  std::int64_t ended_at = 0;    // us since epoch
  double utime_s = 0;           // rusage of the dead process
  double stime_s = 0;
  std::uint64_t maxrss_kb = 0;
  std::string stdout_tail;  // last lines of the node's stdout, possibly empty
  std::string stderr_tail;
  std::optional<std::string> backtrace;  // gdb output when a core and gdb were found
  std::string record_dir;                // the crash record on the publishing host
  // Profile zeek (docs/ZEEK.md): the last line of the node's .status ("TERMINATED
  // [fatal_error]") and the tail of its reporter.log, when there were any.
  std::optional<std::string> status_line;
  std::optional<std::string> reporter_tail;

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("node", node, Presence::kRequired);
    visit("node_type", node_type, Presence::kRequired);
    visit("pid", pid, Presence::kRequired);
    visit("exit_code", exit_code, Presence::kRequired);
    visit("signal", signal, Presence::kRequired);
    visit("core_dumped", core_dumped, Presence::kRequired);
    visit("core_path", core_path, Presence::kOptional);
    visit("core_size", core_size, Presence::kOptional);
    visit("core_note", core_note, Presence::kOptional);
    visit("started_at", started_at, Presence::kRequired);
    visit("ended_at", ended_at, Presence::kRequired);
    visit("utime_s", utime_s, Presence::kRequired);
    visit("stime_s", stime_s, Presence::kRequired);
    visit("maxrss_kb", maxrss_kb, Presence::kRequired);
    visit("stdout_tail", stdout_tail, Presence::kRequired);
    visit("stderr_tail", stderr_tail, Presence::kRequired);
    visit("backtrace", backtrace, Presence::kOptional);
    visit("record_dir", record_dir, Presence::kRequired);
    visit("status_line", status_line, Presence::kOptional);
    visit("reporter_tail", reporter_tail, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const CrashReport&) const = default;
};

// "crash.<host>.<node>"
std::string topic_for(const CrashReport& m);

}  // namespace bc::msg
