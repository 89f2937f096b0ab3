#pragma once
// Writes crash records on a thread of its own, at nice 10, so that the supervisor's loop
// is free for the restart the collector asks for right after the crash: a record
// (directory, log copies, reports, pruning) takes about 1.5 ms on our 2-vCPU machines, and
// written on the loop it delayed the restart by that much.
//
// Snapshots go to the thread and records come back as pointers through two pipes, not a
// queue under a mutex: the loop must never wait for a lower-priority thread that was
// preempted while holding a lock.

#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "messages/crash.h"
#include "supervisor/crash_recorder.h"

namespace bc::sup {

struct WrittenRecord {
  std::string node;
  Result<msg::CrashReport> report;
};

class CrashRecordWriter {
 public:
  CrashRecordWriter();
  // Finishes what is queued (flush()); records not taken by then are dropped unannounced,
  // but they are on disk.
  ~CrashRecordWriter();
  CrashRecordWriter(const CrashRecordWriter&) = delete;
  CrashRecordWriter& operator=(const CrashRecordWriter&) = delete;

  // Queues a record; the thread starts on first use (after the daemon has forked). false
  // when it cannot be queued (no pipes, or the pipe is full): the caller writes it itself.
  bool submit(const CrashSnapshot& snapshot);
  // Readable while finished records wait; -1 when the pipes could not be created.
  int fd() const { return done_read_; }
  // The finished records, oldest first.
  std::vector<WrittenRecord> take();
  // Writes everything queued and ends the thread (at shutdown, so that the records can
  // still be announced). submit() writes nothing afterwards.
  void flush();

 private:
  void run(int submissions);

  int submit_write_ = -1;
  int submit_read_ = -1;
  int done_write_ = -1;
  int done_read_ = -1;
  std::thread thread_;
};

}  // namespace bc::sup
