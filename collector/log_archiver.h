#pragma once
// LogArchiver: the manual's log rotation, archival and expiry, run from the collector's
// cron pass. Blocking file I/O on the calling thread, bounded by the size of the logs
// (no network, no child processes: compression is done in-process with zlib). Owned by the
// collector's event loop; thread-compatible.
//
// rotate() moves every cluster log (the *.log files of the manager's or the standalone
// node's spool dir) into LogDir/<YYYY-MM-DD>/<name>.<HH:MM:SS>-<HH:MM:SS>.log[.gz] and
// deletes the *.log files of the other local nodes' spool dirs (worker and proxy logs are
// not archived). stdout.log and stderr.log are the node program's own output, kept by the
// supervisor for crash reports, and are never touched. Only regular files are handled;
// symlinks and other entries named *.log are left alone.
//
// The node keeps its logs open: a rename (or unlink) takes the name away, but the node
// writes into the old file until it reopens its logs, which the node program must do when
// the supervisor tells it to after a rotation (docs/NODE-PROGRAM.md, a later issue).
// Without compression on one file system the archive is that very file, so nothing the
// node writes before it reopens is lost; when compressing or copying across file systems,
// lines written between the rotation and the reopen do not reach the archive.
//
// No data is lost on failure: a file is first renamed to a staging name in its own
// directory, then compressed or copied to a temporary in the day dir, fsync'ed and renamed
// into place, and only then is the staged file removed. A failure puts the file back
// under its own name (or, when the node has recreated it meanwhile, leaves it as
// <name>.rotating-<unix time>.log, which the next rotation archives) and names it in
// ArchiveReport::errors.

#include <chrono>
#include <string>
#include <vector>

namespace bc::collector {

struct ArchiveSettings {
  std::string manager_spool;  // SpoolDir/<manager or standalone node name>: its *.log files are
                              // the cluster logs
  std::vector<std::string> discard_spools;  // spool dirs of local proxies/workers: their logs
                                            // are discarded at rotation
  std::string log_dir;                      // LogDir
  bool compress;                            // CompressLogs: gzip archived files (zlib)
  int expire_days;                          // LogExpireInterval; 0 = keep for ever
};

struct ArchiveReport {
  std::vector<std::string> archived;   // destination paths of the archived files
  std::vector<std::string> discarded;  // paths of the deleted worker/proxy logs
  std::vector<std::string> expired;    // paths removed from LogDir by expire()
  std::vector<std::string> errors;     // one message per file that was not handled
};

class LogArchiver {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  explicit LogArchiver(ArchiveSettings s);

  // Moves every *.log of manager_spool (except stdout.log/stderr.log) into
  // LogDir/<YYYY-MM-DD>/<name>.<HH:MM:SS>-<HH:MM:SS>.log[.gz] (the date of `interval_start`
  // and the times of `interval_start` and `now`, local time; ".1", ".2", ... before ".log"
  // when that name is taken), discards the *.log of discard_spools (except
  // stdout.log/stderr.log), creating dirs as needed. A file that cannot be moved stays where
  // it is and is named in errors. A missing spool dir is not an error (the node never ran).
  ArchiveReport rotate(TimePoint interval_start, TimePoint now);

  // Removes the entries of log_dir older than expire_days relative to `now`: a
  // <YYYY-MM-DD> entry when its date lies before today minus expire_days (local dates);
  // any other entry when it and everything below it were last modified more than
  // expire_days * 24 h before `now`. Never follows a symlink, never touches a symlink or
  // a dot-file at the top of log_dir, never anything outside log_dir. expire_days <= 0:
  // nothing is removed.
  ArchiveReport expire(TimePoint now);

  const ArchiveSettings& settings() const { return s_; }

  // "2024-05-17": the day directory of `t` (local time).
  static std::string day_dir_name(TimePoint t);
  // "conn.10:00:00-11:00:00.log" / ".log.gz" (before any ".N" for a taken name).
  static std::string archive_name(const std::string& log_file_name, TimePoint start, TimePoint end,
                                  bool compress);

 private:
  void archive_file(const std::string& src, const std::string& day_dir, TimePoint start,
                    TimePoint now, ArchiveReport& report) const;
  void discard_logs(const std::string& spool, ArchiveReport& report) const;

  ArchiveSettings s_;
};

}  // namespace bc::collector
