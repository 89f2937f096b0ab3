#pragma once
// Core files of crashed nodes: finding the one a crash left in the node's working dir,
// taking it out of the way of the node's next run, and keeping it in the crash record
// (up to CrashCoreMaxSize) — or saying why the record has none.
//
// With kernel.core_pattern "core" every run of a node writes the same file, so the core
// must leave the working dir before the collector restarts the node. take_core() does the
// one cheap step on the event loop (a rename inside the node's dir); keep_core() does the
// rest (size check, move or copy across file systems, deletion) on the record writer's
// thread.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/dir_fd.h"
#include "messages/crash.h"

namespace bc::sup {

// How the kernel names core files (kernel.core_pattern), as far as finding them goes.
struct CorePattern {
  enum class Where {
    kWorkingDir,  // a plain name ("core", "core.%p", "%e.core"): the crashing process's cwd
    kPipe,        // "|/usr/lib/systemd/systemd-coredump ...": handed to a program
    kElsewhere,   // an absolute path or a subdirectory: not in the node's working dir
  };
  Where where = Where::kWorkingDir;
  std::string text;  // the pattern as read, without its trailing newline
};

// Classifies a pattern. An empty one is the kernel's default, "core".
CorePattern parse_core_pattern(std::string text);
// Reads `file` (normally /proc/sys/kernel/core_pattern); "core" when it cannot be read.
CorePattern read_core_pattern(const std::string& file);

// Everything here works inside the node's dir and the record's as opened by the caller
// (dir_fd.h): a name the node replaced with a symlink is not followed, and neither is the
// node's dir itself.

// Last modification time of the regular file `name` in `dir` in us since the epoch; 0 when
// there is no such file (or it is something else, a symlink included).
std::int64_t file_mtime_us(const DirFd& dir, std::string_view name);

// The name of the core file a process left in its working dir ("core.<pid>", "core"), or
// empty. A
// file not modified since `stale_mtime_us` (the mtime it had before the process started,
// see Node::stale_core_mtime_us) is an earlier crash's core and is ignored; 0: none was.
// With `scan` (the process is known to have dumped core) and no such name, any ELF core
// file in `dir` modified after `stale_mtime_us` and `started_us` is taken (patterns such as
// "core.%e.%p"), the newest first.
std::string find_core_file(const DirFd& dir, pid_t pid, std::int64_t stale_mtime_us = 0,
                           bool scan = false, std::int64_t started_us = 0);

// Renames `core` in `dir` to ".core-<pid>.taken" so that the node's next run cannot
// overwrite it; returns the new name, or `core` itself when the rename failed.
std::string take_core(const DirFd& dir, const std::string& core, pid_t pid);

// Moves `taken` from `node_dir` into `record` (the dir of `report.record_dir`) as "core"
// when it is a regular file of at most `max_bytes` (renamed, or copied across file
// systems), else deletes it; sets core_path (when kept), core_size and core_note.
void keep_core(const DirFd& node_dir, const std::string& taken, const DirFd& record,
               std::uint64_t max_bytes, msg::CrashReport& report);

// The record's words when a process that dumped core (or died of a signal that dumps
// core) left no core file in `node_dir`: where the pattern sent it, or why there is none.
std::string missing_core_note(const CorePattern& pattern, bool core_dumped,
                              const std::string& node_dir);

// Signals whose default action writes a core (SIGSEGV, SIGABRT, ...).
bool is_core_signal(int signal);

}  // namespace bc::sup
