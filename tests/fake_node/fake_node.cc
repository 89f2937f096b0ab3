// brocluster-fake-node: the test-only node program. Its behaviour is set by environment
// variables (from node.cfg's env_vars) or, overriding them, by KEY=VALUE lines in
// $CLUSTER_SPOOL/fake.env, so that a test can change what the next start does without
// touching the configuration:
//
//   FAKE_EXIT_AT_START=<code>   exit at once with <code>
//   FAKE_SLOW_START_MS=<n>      say "initializing", wait n ms, then "ready"
//   FAKE_NO_NOTIFY=1            never use the readiness fd (the grace-time path)
//   FAKE_EXIT_AFTER_MS=<n>      exit with FAKE_EXIT_CODE (default 0) n ms after ready
//   FAKE_CRASH_AFTER_MS=<n>     abort() (SIGABRT, core when allowed) n ms after ready
//   FAKE_IGNORE_TERM=1          ignore SIGTERM (only SIGKILL ends it)
//   FAKE_CRASH_ON_TERM=1        abort() when asked to stop (a crash during shutdown)
//   FAKE_PRINT_ENV=1            print the environment and argv to stdout at start
//   FAKE_STDERR=<text>          write <text> to stderr at start
// Otherwise it reports ready on $CLUSTER_NOTIFY_FD and waits for SIGTERM, then exits 0.
// Every SIGHUP it receives once ready is acknowledged on stdout ("fake node received SIGHUP")
// so that a test can see a signal delivered.

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

extern char** environ;

namespace {

std::map<std::string, std::string> g_settings;

std::string setting(const std::string& key) {
  auto it = g_settings.find(key);
  if (it != g_settings.end()) return it->second;
  const char* v = std::getenv(key.c_str());
  return v != nullptr ? v : "";
}

long number(const std::string& key, long fallback) {
  const std::string v = setting(key);
  return v.empty() ? fallback : std::strtol(v.c_str(), nullptr, 10);
}

void load_overrides() {
  const char* spool = std::getenv("CLUSTER_SPOOL");
  if (spool == nullptr) return;
  std::ifstream in(std::string(spool) + "/fake.env");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) g_settings[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

void notify(const char* word) {
  if (setting("FAKE_NO_NOTIFY") == "1") return;
  const long fd = number("CLUSTER_NOTIFY_FD", -1);
  if (fd < 0) return;
  const std::string line = std::string(word) + "\n";
  (void)write(static_cast<int>(fd), line.data(), line.size());
}

volatile sig_atomic_t g_term = 0;
volatile sig_atomic_t g_hup = 0;
void on_term(int) {
  g_term = 1;
}
void on_hup(int) {
  g_hup = 1;
}

// Sleeps up to `ms` (forever when negative) or until a signal arrives. SIGTERM stays
// blocked outside ppoll, so one that arrives between the check and the wait is not lost.
void wait_ms(long ms) {
  sigset_t none;
  sigemptyset(&none);
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  (void)ppoll(nullptr, 0, ms < 0 ? nullptr : &ts, &none);
}

}  // namespace

int main(int argc, char** argv) {
  load_overrides();
  if (setting("FAKE_PRINT_ENV") == "1") {
    for (char** e = environ; *e != nullptr; ++e)
      std::cout << *e << '\n';
    for (int i = 0; i < argc; ++i)
      std::cout << "argv[" << i << "]=" << argv[i] << '\n';
    std::cout << std::flush;
  }
  if (const std::string text = setting("FAKE_STDERR"); !text.empty())
    std::cerr << text << std::endl;
  if (const std::string code = setting("FAKE_EXIT_AT_START"); !code.empty()) {
    return std::atoi(code.c_str());
  }
  signal(SIGTERM, setting("FAKE_IGNORE_TERM") == "1" ? SIG_IGN : on_term);
  signal(SIGHUP, on_hup);
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGHUP);
  sigprocmask(SIG_BLOCK, &term, nullptr);
  if (const long slow = number("FAKE_SLOW_START_MS", 0); slow > 0) {
    notify("initializing");
    wait_ms(slow);
  }
  notify("ready");
  std::cout << "fake node " << (std::getenv("CLUSTER_NODE") ? std::getenv("CLUSTER_NODE") : "?")
            << " ready" << std::endl;
  const long exit_after = number("FAKE_EXIT_AFTER_MS", -1);
  const long crash_after = number("FAKE_CRASH_AFTER_MS", -1);
  const auto start = std::chrono::steady_clock::now();
  while (!g_term) {
    if (g_hup) {
      g_hup = 0;
      std::cout << "fake node received SIGHUP" << std::endl;
    }
    const long elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    if (crash_after >= 0 && elapsed >= crash_after) std::abort();
    if (exit_after >= 0 && elapsed >= exit_after)
      return static_cast<int>(number("FAKE_EXIT_CODE", 0));
    long next = -1;
    for (long t : {crash_after, exit_after}) {
      if (t >= 0 && (next < 0 || t - elapsed < next)) next = t - elapsed;
    }
    wait_ms(next);
  }
  if (setting("FAKE_CRASH_ON_TERM") == "1") std::abort();
  std::cout << "fake node terminating" << std::endl;
  return 0;
}
