#pragma once
// LogWriter: writes the records of one stream to <dir>/<path>.log in Zeek's TSV format
// (header lines #separator ... #types, a #close line when closed), readable by bro-cut.
// Records are buffered and written by flush() (or when the buffer passes 64 KiB).
// The collector rotates logs by renaming them away (collector/log_archiver.h): flush()
// notices that the name no longer refers to the open file and reopens it with a fresh
// header. Owned by one thread.

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "node/engine/log_record.h"

namespace bc::node {

class LogWriter {
 public:
  // `clock` (optional) gives the #open/#close times; the system clock when null. It must
  // outlive the writer.
  LogWriter(std::string dir, const LogSchema& schema, const Clock* clock = nullptr);
  ~LogWriter();  // close()
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Creates the file (appending a fresh header when it exists). Errors name the path.
  Status open();
  // Opens on first use. A record whose value count does not match the schema is refused
  // with kInvalidArgument naming the stream.
  Status write(const LogRecord& record);
  // Writes the buffer out, then reopens when the file was renamed away or removed.
  Status flush();
  // Writes #close to the current file and starts the file anew with a header.
  Status reopen();
  // Flushes and writes the #close line.
  Status close();

  const std::string& path() const { return path_; }
  std::uint64_t records_written() const { return records_; }

 private:
  Status write_header();
  Status write_out(const std::string& text);
  bool renamed_away() const;

  std::string dir_;
  LogSchema schema_;
  std::string path_;
  const Clock* clock_;
  std::unique_ptr<Clock> own_clock_;
  int fd_ = -1;
  std::uint64_t dev_ = 0, ino_ = 0;
  std::string buffer_;
  std::uint64_t records_ = 0;
};

}  // namespace bc::node
