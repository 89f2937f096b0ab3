#pragma once
// Ctrl-C while a long command runs (top, tap) ends that command, not the shell. The
// handler only sets a flag; loops poll with deadlines and check it (SA_RESTART is off, so
// a blocking poll returns at once with EINTR).

namespace bc::shell {

// The exit code of a one-shot command that Ctrl-C cancelled: 128 + SIGINT, as shells do.
inline constexpr int kInterruptedExit = 130;

void install_interrupt_handler();
bool interrupted();
void clear_interrupt();

}  // namespace bc::shell
