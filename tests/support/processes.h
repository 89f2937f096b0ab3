#pragma once
// Test support for state that no event announces: files, pid files, and the processes of a
// test found in /proc. Every test waits on such state through poll_until(), the one polled
// wait of the tests (each with a deadline, never a bare sleep).

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace bc::test {

// Polls `pred` every `interval` until it holds or `timeout` passes. Returns the last value.
bool poll_until(const std::function<bool()>& pred, Millis timeout, Millis interval = Millis(20));

// The whole file; empty when it cannot be read. A /proc file of a process that exits
// meanwhile gives what was read so far.
std::string file_text(const std::string& path);
// The same, but `if_unreadable` when the file cannot be opened: an assertion then does not
// take a missing file for an empty one.
std::string file_text(const std::string& path, const std::string& if_unreadable);
// The number in a pid file; 0 when there is none.
pid_t read_pid_file(const std::string& path);

// True while `pid` exists and is not a zombie.
bool pid_alive(pid_t pid);
// Every process id in /proc except this process's (zombies included).
std::vector<pid_t> proc_pids();
// The processes whose parent is `parent`, zombies included.
std::vector<pid_t> children_of(pid_t parent);
// Processes (not zombies) whose environment contains exactly `entry`
// ("CLUSTER_SPOOL=/x/spool/worker-1").
std::vector<pid_t> pids_with_env(const std::string& entry);
// Processes (not zombies) that belong to one of `dirs`: CLUSTER_SPOOL/CLUSTER_BASE/HOME
// under it, its path in the command line, or the cwd under it. Never this process.
std::vector<pid_t> pids_under(const std::vector<std::string>& dirs);
// Whether `pid` is one of pids_under(dirs) (a pid file may outlive its process).
bool pid_belongs_to(pid_t pid, const std::vector<std::string>& dirs);
// SIGKILLs the processes `find` returns until it returns none (bounded): SIGKILL is
// asynchronous, and a dying supervisor may still spawn.
void kill_until_gone(const std::function<std::vector<pid_t>()>& find);
// kill_until_gone() of pids_under(dirs).
void kill_all_under(const std::vector<std::string>& dirs);
// Sends `sig` to `pid` (a daemon named `what` in errors), waits until it is gone, then
// sets `pid` to 0.
Status kill_and_wait(pid_t& pid, int sig, const std::string& what);

}  // namespace bc::test
