// brocluster-bench-node: the node program of the repair benchmarks. It does what a node
// must (report ready on $CLUSTER_NOTIFY_FD, stop on SIGTERM with exit code 0) and nothing
// else, without a C library: x86-64 Linux system calls only.
//
// Why: the benchmarks time the control plane (supervisor, bus, collector), and on our
// 2-vCPU VMs a page fault costs ~40 us. glibc's static start-up alone takes ~23 of them,
// ~1 ms per exec, and the test suite's fake node (tests/fake_node, glibc, iostreams) ~31.
// This program takes 2. The peers are timed with /usr/bin/sleep, which is no node either;
// bench/collector_bench.py --node fake gives the figures with the fake node
// (docs/PERFORMANCE.md has both).

namespace {

constexpr long kWrite = 1, kRtSigprocmask = 14, kRtSigtimedwait = 128, kExitGroup = 231;
constexpr int kSigHup = 1, kSigTerm = 15;

long sys(long n, long a = 0, long b = 0, long c = 0, long d = 0) {
  long ret;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return ret;
}

bool starts_with(const char* s, const char* prefix) {
  for (; *prefix != '\0'; ++s, ++prefix) {
    if (*s != *prefix) return false;
  }
  return true;
}

// -1 when `envp` has no CLUSTER_NOTIFY_FD or it is not a number.
long notify_fd(char** envp) {
  const char* const key = "CLUSTER_NOTIFY_FD=";
  for (; *envp != nullptr; ++envp) {
    if (!starts_with(*envp, key)) continue;
    long fd = 0;
    const char* p = *envp + 18;
    if (*p == '\0') return -1;
    for (; *p != '\0'; ++p) {
      if (*p < '0' || *p > '9') return -1;
      fd = fd * 10 + (*p - '0');
    }
    return fd;
  }
  return -1;
}

}  // namespace

extern "C" [[noreturn]] void bench_node_main(long* stack) {
  char** envp = reinterpret_cast<char**>(stack + 1 + stack[0]) + 1;
  // SIGTERM and SIGHUP are taken synchronously: no handler, so no signal trampoline.
  const unsigned long wanted = (1UL << (kSigTerm - 1)) | (1UL << (kSigHup - 1));
  sys(kRtSigprocmask, 0 /* SIG_BLOCK */, reinterpret_cast<long>(&wanted), 0, sizeof wanted);
  if (const long fd = notify_fd(envp); fd >= 0)
    sys(kWrite, fd, reinterpret_cast<long>("ready\n"), 6);
  for (;;) {
    long info[16];  // siginfo_t: 128 bytes
    if (sys(kRtSigtimedwait, reinterpret_cast<long>(&wanted), reinterpret_cast<long>(info), 0,
            sizeof wanted) == kSigTerm) {
      sys(kExitGroup, 0);
    }
  }
}

// The entry point: the kernel leaves argc, argv and the environment on the stack.
__asm__(
    ".globl _start\n"
    "_start:\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call bench_node_main\n"
    "  hlt\n");
