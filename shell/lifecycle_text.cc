#include "shell/lifecycle_text.h"

#include <ostream>

namespace bc::shell {
namespace {

// " (pid N)" for an entry with a process, else "".
std::string pid_text(const msg::Value& entry) {
  auto pid = entry.get_int("pid");
  return pid.is_ok() && *pid > 0 ? " (pid " + std::to_string(*pid) + ")" : "";
}

std::string describe_start(const msg::Value& entry) {
  return "started" + pid_text(entry);
}

std::string describe_stop(const msg::Value& entry) {
  if (entry.get_bool("crashed_during_shutdown").value_or(false)) {
    return "stopped, but crashed during shutdown; see diag";
  }
  const std::string how =
      entry.get_bool("killed").value_or(false) ? "stopped (killed after StopTimeout)" : "stopped";
  // It leaves its supervisor's table with its process: status no longer lists it.
  return entry.get_bool("configured").value_or(true) ? how : how + "; it was no longer configured";
}

// How one verb's outcomes read.
struct Words {
  const char* doing;                           // "starting"
  std::string (*describe)(const msg::Value&);  // a worked node's entry -> "started (pid 7)"
  const char* already;                         // "already running"
  const char* joined;                          // "was already starting; now running"
};

std::string node_line(const Words& words, const NodeOutcome& o) {
  using Kind = NodeOutcome::Kind;
  switch (o.kind) {
    case Kind::kWorked:
      return words.describe(o.entry);
    case Kind::kAlready:
      return std::string("is ") + words.already + pid_text(o.entry);
    case Kind::kJoined:
      return words.joined + pid_text(o.entry);
    case Kind::kUnconfirmed:
      return "not confirmed: " + o.error;
    case Kind::kFailed:
      break;
  }
  return "failed: " + o.error;
}

LifecycleProgress progress_text(ShellContext& ctx, const Words& words) {
  LifecycleProgress p;
  p.host_down = [&ctx](const Status& s) { ctx.fail(s.message()); };
  p.warning = [&ctx](const std::string& text) { ctx.warn(text); };
  if (ctx.json()) return p;
  p.stage_begins = [&ctx, words](const std::string& stage) {
    ctx.out() << words.doing << ' ' << stage << " ...\n" << std::flush;
  };
  p.stage_not_run = [&ctx, words](const std::string& stage, const std::string& why) {
    ctx.out() << "not " << words.doing << ' ' << stage << ": " << why << '\n';
  };
  p.node_done = [&ctx, words](const NodeOutcome& o) {
    ctx.out() << "  " << o.node.name << ' ' << node_line(words, o) << '\n' << std::flush;
  };
  return p;
}

}  // namespace

LifecycleProgress start_progress_text(ShellContext& ctx) {
  return progress_text(
      ctx, {"starting", &describe_start, "already running", "was already starting; now running"});
}

LifecycleProgress stop_progress_text(ShellContext& ctx) {
  return progress_text(
      ctx, {"stopping", &describe_stop, "already stopped", "was already stopping; now stopped"});
}

}  // namespace bc::shell
