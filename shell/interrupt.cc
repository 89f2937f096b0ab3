#include "shell/interrupt.h"

#include <signal.h>
#include <unistd.h>

namespace bc::shell {
namespace {

volatile sig_atomic_t g_interrupted = 0;
bool g_terminal = false;  // stdout is a terminal: end the line the terminal echoed ^C on

void on_interrupt(int sig) {
  g_interrupted = 1;
  if (sig == SIGINT && g_terminal) (void)!write(STDOUT_FILENO, "\n", 1);
}

}  // namespace

void install_interrupt_handler() {
  g_terminal = isatty(STDOUT_FILENO) != 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A reader that goes away (`brocluster tap | head`) ends us through EPIPE, cleanly.
  signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
  return g_interrupted != 0;
}

void clear_interrupt() {
  g_interrupted = 0;
}

}  // namespace bc::shell
