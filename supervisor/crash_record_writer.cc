#include "supervisor/crash_record_writer.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace bc::sup {
namespace {

// One pointer per pipe write: a write of up to PIPE_BUF bytes is atomic.
template <typename T>
bool send_pointer(int fd, T* p) {
  for (;;) {
    const ssize_t n = ::write(fd, &p, sizeof p);
    if (n == static_cast<ssize_t>(sizeof p)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

template <typename T>
T* receive_pointer(int fd) {
  T* p = nullptr;
  for (;;) {
    const ssize_t n = ::read(fd, &p, sizeof p);
    if (n == static_cast<ssize_t>(sizeof p)) return p;
    if (n < 0 && errno == EINTR) continue;
    return nullptr;  // EOF, EAGAIN or an error
  }
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

CrashRecordWriter::CrashRecordWriter() {
  int submit[2];
  int done[2];
  if (::pipe2(submit, O_CLOEXEC) != 0) return;
  if (::pipe2(done, O_CLOEXEC) != 0) {
    ::close(submit[0]);
    ::close(submit[1]);
    return;
  }
  // The loop never blocks on either pipe; the thread blocks reading submissions and, if
  // ever the loop stops taking records, writing them.
  ::fcntl(submit[1], F_SETFL, O_NONBLOCK);
  ::fcntl(done[0], F_SETFL, O_NONBLOCK);
  submit_read_ = submit[0];
  submit_write_ = submit[1];
  done_read_ = done[0];
  done_write_ = done[1];
}

CrashRecordWriter::~CrashRecordWriter() {
  flush();
  for (WrittenRecord* w; done_read_ >= 0 && (w = receive_pointer<WrittenRecord>(done_read_));)
    delete w;
  close_fd(done_read_);
  close_fd(submit_read_);
}

bool CrashRecordWriter::submit(const CrashSnapshot& snapshot) {
  if (submit_write_ < 0) return false;
  auto* copy = new CrashSnapshot(snapshot);
  if (!send_pointer(submit_write_, copy)) {
    delete copy;
    return false;
  }
  if (!thread_.joinable()) thread_ = std::thread([this, fd = submit_read_] { run(fd); });
  return true;
}

std::vector<WrittenRecord> CrashRecordWriter::take() {
  std::vector<WrittenRecord> out;
  if (done_read_ < 0) return out;
  while (WrittenRecord* w = receive_pointer<WrittenRecord>(done_read_)) {
    out.push_back(std::move(*w));
    delete w;
  }
  return out;
}

void CrashRecordWriter::flush() {
  close_fd(submit_write_);  // the thread reads EOF after the last submission
  if (thread_.joinable()) thread_.join();
  close_fd(done_write_);
}

void CrashRecordWriter::run(int submissions) {
  // Nice 10 for this thread only (Linux applies nice per thread). Not SCHED_IDLE: on a host
  // whose cores are all busy such a thread can sit preempted indefinitely, and while it holds
  // a journal handle or a directory lock, every other writer waits with it.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
  while (CrashSnapshot* snap = receive_pointer<CrashSnapshot>(submissions)) {
    auto* done = new WrittenRecord{snap->report.node, write_crash_record(*snap)};
    delete snap;
    if (!send_pointer(done_write_, done)) delete done;
  }
}

}  // namespace bc::sup
