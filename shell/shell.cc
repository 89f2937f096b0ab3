#include "shell/shell.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <exception>
#include <ostream>
#include <zmq.hpp>

#include "common/strings.h"
#include "common/version.h"
#include "shell/command.h"
#include "shell/interrupt.h"
#include "shell/line_reader.h"
#include "shell/tokenize.h"

namespace bc::shell {

int Shell::dispatch(const std::vector<std::string>& words) {
  ctx_.begin_command();
  // Ctrl-C cancels the command, not the shell: its waits end (cluster_client.h) and what
  // it asked of hosts is cancelled there. One-shot, the exit code is then 130, as a shell's.
  install_interrupt_handler();
  clear_interrupt();
  const int rc = ctx_.finish_command(run_command_words(words));
  if (!interrupted()) return rc;
  clear_interrupt();
  return kInterruptedExit;
}

int Shell::run_command_words(const std::vector<std::string>& words) {
  if (words.empty()) return 0;
  const CommandSpec* spec = find_command(words[0]);
  if (spec == nullptr) {
    return ctx_.fail(Status(ErrorCode::kUnknownCommand,
                            "unknown command '" + words[0] + "'; type \"help\" for a list"));
  }
  if (spec->name == "exit" || spec->name == "quit") return 0;
  if (spec->handler == nullptr) {
    return ctx_.fail(Status(ErrorCode::kUnsupported, "'" + std::string(spec->name) +
                                                         "' is not available yet in " +
                                                         kProductName + " " + kVersion));
  }
  const std::vector<std::string> args(words.begin() + 1, words.end());
  std::optional<LockFile> lock;
  if (takes_cluster_lock(spec->name)) {
    auto taken = take_cluster_lock(words);
    if (!taken.is_ok()) return ctx_.fail(taken.status());
    lock = std::move(*taken);
  }
  try {
    return spec->handler(ctx_, args);
  } catch (const std::exception& e) {
    // A wait that Ctrl-C interrupted outside the request wait: a cancellation, not a bug.
    if (const auto* z = dynamic_cast<const zmq::error_t*>(&e); z != nullptr && z->num() == EINTR)
      return ctx_.fail(
          Status(ErrorCode::kCancelled, "'" + std::string(spec->name) + "' cancelled (Ctrl-C)"));
    return ctx_.fail(Status(ErrorCode::kInternal, std::string("internal error in '") +
                                                      std::string(spec->name) + "': " + e.what()));
  }
}

Result<std::optional<LockFile>> Shell::take_cluster_lock(const std::vector<std::string>& words) {
  // Without a configuration there is no LockFile to take; the command says what is wrong.
  const config::Cluster* cluster = ctx_.cluster();
  if (cluster == nullptr) return std::optional<LockFile>();
  const auto timeout = std::chrono::milliseconds(
      std::lround(std::max(0.0, cluster->options.get_double("LockTimeout")) * 1000));
  auto lock = LockFile::acquire(
      cluster->options.get("LockFile"), timeout,
      [this](std::string_view notice) { ctx_.err() << notice << std::endl; }, join(words, " "));
  if (!lock.is_ok()) return lock.status();
  return std::optional<LockFile>(std::move(lock).value());
}

int Shell::run_interactive() {
  ctx_.set_interactive(true);
  install_interrupt_handler();  // Ctrl-C ends a running command, not the shell
  ctx_.out() << "Welcome to " << kProductName << ' ' << kVersion << '\n'
             << "Type \"help\" for help.\n";
  ctx_.cluster();  // config errors and warnings up front, and node names for completion
  LineReader reader("[BroCluster] > ",
                    [this](const std::vector<std::string>& preceding, std::string_view prefix) {
                      return completions(preceding, prefix);
                    });
  int rc = 0;
  while (auto line = reader.read_line()) {
    auto words = tokenize(*line);
    if (!words.is_ok()) {
      ctx_.begin_command();
      rc = ctx_.finish_command(
          ctx_.fail(Status(ErrorCode::kInvalidArgument, words.status().message())));
      continue;
    }
    if (words->empty()) continue;
    reader.remember(*line);
    if (iequals((*words)[0], "exit") || iequals((*words)[0], "quit")) break;
    rc = dispatch(*words);
    ctx_.out().flush();
  }
  return rc;
}

std::vector<std::string> Shell::completions(const std::vector<std::string>& preceding,
                                            std::string_view prefix) {
  std::vector<std::string> out;
  const auto offer = [&](std::string_view word) {
    if (starts_with_icase(word, prefix) && std::find(out.begin(), out.end(), word) == out.end()) {
      out.emplace_back(word);
    }
  };
  if (preceding.empty()) {
    for (const auto& spec : command_table())
      offer(spec.name);
    return out;
  }
  const CommandSpec* spec = find_command(preceding[0]);
  if (spec == nullptr || !spec->completes_nodes) return out;
  for (std::string_view group : {"all", "manager", "proxies", "workers", "loggers"})
    offer(group);
  // Completion must not print config errors in the middle of the user's line.
  if (const config::Cluster* cluster = ctx_.cluster_if_loaded()) {
    for (const auto& node : cluster->nodes)
      offer(node.name);
  }
  return out;
}

}  // namespace bc::shell
