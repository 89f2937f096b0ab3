// `diag` (declared in host_commands.h): each selected node's newest crash record, as the
// report text and as fields, with the backtrace of the core the record keeps. When the
// record has a core but no backtrace yet (gdb was missing or busy at the crash, or the
// supervisor stopped before gdb finished), gdb runs on it now, with a deadline, and the
// record is completed; the reply waits for it. Without gdb the report says so and names
// the core, so that it can be read elsewhere.

#include <sys/stat.h>

#include <memory>
#include <vector>

#include "common/file_util.h"
#include "supervisor/core_backtrace.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/host_commands.h"
#include "supervisor/node_launcher.h"

namespace bc::sup {
namespace {

using Responder = Supervisor::Responder;

// The reply, sent once the last gdb has finished.
struct DiagReply {
  std::uint64_t id = 0;
  std::string host;
  Responder respond;
  std::vector<msg::Value> entries;
  int waiting = 0;

  void finish_one() {
    if (--waiting > 0) return;
    msg::Value list = msg::Value::empty_array();
    for (msg::Value& e : entries)
      list.push_back(std::move(e));
    msg::Value v = msg::Value::empty_map();
    v.set("host", host).set("nodes", std::move(list));
    respond(msg::make_ok(id, std::move(v)));
  }
};

// Whether gdb has a core to read (it opens the file by its path itself).
bool file_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The record's fields; `backtrace_note` says why a kept core has no backtrace.
void describe_record(msg::Value& v, const msg::CrashReport& r, const std::string& backtrace_note) {
  std::string text = render_crash_report(r);
  v.set("record_dir", r.record_dir);
  if (r.core_path) v.set("core_path", *r.core_path);
  if (r.core_size) v.set("core_size", *r.core_size);
  if (r.core_note) v.set("core_note", *r.core_note);
  if (r.backtrace) {
    v.set("backtrace", *r.backtrace);
  } else if (!backtrace_note.empty()) {
    v.set("backtrace_note", backtrace_note);
    text += "==== backtrace\n" + backtrace_note + "\n";
  }
  v.set("report", std::move(text));
}

std::string no_gdb_note(const std::string& host, const std::string& core) {
  return "gdb is not installed on " + host + ": no backtrace; the core file is " + core;
}

}  // namespace

void cmd_diag(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return respond(msg::make_error(r.id, nodes.status()));
  auto reply = std::make_shared<DiagReply>();
  reply->id = r.id;
  reply->host = sup.options().host;
  reply->respond = respond;
  reply->waiting = 1;  // this function's own turn, finished last
  reply->entries.reserve(nodes->size());
  for (Node* node : *nodes) {
    reply->entries.push_back(sup.node_status(*node));
    msg::Value& v = reply->entries.back();
    auto report = latest_crash_record(sup.options(), node->spec.name);
    if (!report.is_ok()) {
      auto dir = open_node_dir(sup.options(), node->spec);
      if (dir.is_ok()) {
        v.set("stdout_tail", tail_file(*dir, "stdout.log", kTailBytes))
            .set("stderr_tail", tail_file(*dir, "stderr.log", kTailBytes));
      } else if (dir.status().code() != ErrorCode::kNotFound) {
        v.set("stdout_tail", unread_note(dir.status()))
            .set("stderr_tail", unread_note(dir.status()));
      } else {
        v.set("stdout_tail", std::string()).set("stderr_tail", std::string());
      }
      continue;
    }
    if (report->backtrace || !report->core_path || !file_exists(*report->core_path)) {
      describe_record(v, *report, {});
      continue;
    }
    const std::size_t index = reply->entries.size() - 1;
    Status started = sup.start_backtrace(*report, [reply, index](const msg::CrashReport& done) {
      describe_record(reply->entries[index], done, {});
      reply->finish_one();
    });
    if (started.is_ok()) {
      ++reply->waiting;
    } else if (started.code() == ErrorCode::kUnsupported) {
      describe_record(v, *report, no_gdb_note(reply->host, *report->core_path));
    } else {
      describe_record(v, *report,
                      "gdb could not be run: " + started.message() + "; the core file is " +
                          *report->core_path);
    }
  }
  reply->finish_one();
}

}  // namespace bc::sup
