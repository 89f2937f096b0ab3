// brocluster-fake-zeek: a stand-in for the `zeek` binary, for tests of the zeek node profile
// (docs/ZEEK.md). A test copies it to <prefix>/bin/zeek. It parses Zeek's own option string,
// answers --version like Zeek ("zeek version 6.0.3"), keeps Zeek's .status file (-U) and,
// when CLUSTER_NODE is set, insists on finding cluster-layout.zeek on ZEEKPATH naming that
// node with fields its version knows ($metrics_port from 7.0, no $interface from 7.1), as
// Zeek's cluster framework does.
//
// Its behaviour comes from a control file, <prefix>/fake-zeek.cfg (the binary's dir/..), or
// the file $FAKE_ZEEK_CONTROL names. Lines are `<node> <key>=<value>`, where <node> is a node
// name or `*` for every node; a node's own line wins. The node is $CLUSTER_NODE, else the
// last -p prefix (zeekctl passes the node name last; a standalone node has no CLUSTER_NODE).
//
//   * version=<x.y.z>        what --version reports ($FAKE_ZEEK_VERSION wins; default 6.0.3)
//   crash_at_start=<code>    INITIALIZING, a fatal error on stderr and in reporter.log,
//                            TERMINATED, exit <code>
//   slow_start_ms=<n>        stay INITIALIZING for n ms before RUNNING
//   crash_after_ms=<n>       abort() (SIGABRT) n ms after RUNNING
//   slow_stop_ms=<n>         after SIGTERM, stay TERMINATING n ms; -1: never end (only
//                            SIGKILL ends it; further SIGTERMs are ignored)
//   crash_on_term=1          abort() when asked to stop (a crash during shutdown)
//   exit_on_term=<code>      exit with <code> when asked to stop, without TERMINATED
//   print_env=1              write fake-zeek.env (environment) and fake-zeek.argv (one
//                            argument per line) into the working dir at start
//   stderr=<text>            write <text> to stderr at start
//   id:<ID>=<v>, peers=<a,b>, ws_delay_ms=<n>, ws_port=<p>
//                            the WebSocket control endpoint (fake_control_endpoint.h)
//   check_error=<text>       a check run (below) prints <text> to stderr and exits 1
//   check_record=<file>      a check run appends a line to <file>: CLUSTER_NODE,
//                            ZEEKCTL_CHECK_CONFIG, ZEEKCTL_DISABLE_LISTEN, then its argv
//
// A run without `-p zeekctl-live` is a check, as `brocluster check`/`scripts` (and zeekctl's
// check-config) make it: the scripts on the command line must resolve on ZEEKPATH
// (<dir>/<s>, <s>.zeek or <s>/__load__.zeek; Zeek's own base/ and policy/ scripts, which
// the fake does not have, are taken as found), and a line `this is an error` in one of them
// is reported as Zeek reports a syntax error (`error in <file>, line <n>: ...`), exit 1.
// With -a (parse only) that is all, as with Zeek, which then writes no logs; without it the
// run writes loaded_scripts.log in Zeek's format into its working dir and exits 0, as
// brocluster/check makes Zeek end after zeek_init.

#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fake_zeek/fake_control_endpoint.h"

extern char** environ;

namespace {

struct Args {
  std::string interface;
  std::string trace_out;
  std::string status_file;
  std::vector<std::string> prefixes;
  std::vector<std::string> scripts;
  bool version = false;
  bool parse_only = false;  // -a
};

// Zeek's short options (src/Options.cc): the letters with ':' take an argument.
constexpr char kShortOptions[] = "B:c:E:e:f:G:H:I:i:j::n:O:o:p:r:s:T:t:U:w:X:CDFNPQSWabdhuvV";

bool parse_args(int argc, char** argv, Args* out) {
  static const option kLong[] = {{"version", no_argument, nullptr, 'v'},
                                 {"parse-only", no_argument, nullptr, 'a'},
                                 {"help", no_argument, nullptr, 'h'},
                                 {"iface", required_argument, nullptr, 'i'},
                                 {"prefix", required_argument, nullptr, 'p'},
                                 {"status-file", required_argument, nullptr, 'U'},
                                 {"writefile", required_argument, nullptr, 'w'},
                                 {nullptr, 0, nullptr, 0}};
  int c = 0;
  while ((c = getopt_long(argc, argv, kShortOptions, kLong, nullptr)) != -1) {
    switch (c) {
      case 'v':
        out->version = true;
        break;
      case 'a':
        out->parse_only = true;
        break;
      case 'i':
        out->interface = optarg;
        break;
      case 'w':
        out->trace_out = optarg;
        break;
      case 'U':
        out->status_file = optarg;
        break;
      case 'p':
        out->prefixes.emplace_back(optarg);
        break;
      case '?':
        return false;
      default:
        break;
    }
  }
  for (int i = optind; i < argc; ++i)
    out->scripts.emplace_back(argv[i]);
  return true;
}

std::string self_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

// key -> value for this node: `*` lines first, the node's own lines over them.
std::map<std::string, std::string> read_control(const std::string& node) {
  const char* env = std::getenv("FAKE_ZEEK_CONTROL");
  const std::string path = env != nullptr ? env : self_dir() + "/../fake-zeek.cfg";
  std::map<std::string, std::string> all;
  std::map<std::string, std::string> own;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string who;
    std::string setting;
    if (!(words >> who >> setting) || who.starts_with("#")) continue;
    const auto eq = setting.find('=');
    if (eq == std::string::npos) continue;
    // A value may hold spaces (stderr=...): take the rest of the line.
    std::string value = setting.substr(eq + 1);
    std::string rest;
    std::getline(words, rest);
    value += rest;
    if (who == "*") all[setting.substr(0, eq)] = value;
    if (who == node) own[setting.substr(0, eq)] = value;
  }
  for (auto& [k, v] : own)
    all[k] = v;
  return all;
}

std::map<std::string, std::string> g_control;

std::string setting(const std::string& key) {
  const auto it = g_control.find(key);
  return it == g_control.end() ? "" : it->second;
}

long number(const std::string& key, long fallback) {
  const std::string v = setting(key);
  return v.empty() ? fallback : std::strtol(v.c_str(), nullptr, 10);
}

std::string g_status;

// Atomically, so that a reader never sees a torn line (real Zeek truncates and writes; the
// supervisor copes with both).
void write_status(const std::string& line) {
  if (g_status.empty()) return;
  const std::string tmp = g_status + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fputs((line + "\n").c_str(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), g_status.c_str());
  }
}

volatile sig_atomic_t g_term = 0;
void on_term(int) {
  g_term = 1;
}

// Sleeps up to `ms` (forever when negative) or until a signal arrives; SIGTERM stays
// blocked outside ppoll so that none is lost between the check and the wait.
void wait_ms(long ms) {
  sigset_t none;
  sigemptyset(&none);
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  (void)ppoll(nullptr, 0, ms < 0 ? nullptr : &ts, &none);
}

long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

std::string version_answer() {
  const char* forced = std::getenv("FAKE_ZEEK_VERSION");
  std::string version = forced != nullptr ? forced : setting("version");
  return version.empty() ? "6.0.3" : version;
}

// The fields Zeek's Cluster::Node record does not have in this version: $metrics_port came
// with 7.0, $interface went with 7.1 (zeek scripts/base/frameworks/cluster).
std::string field_problem(const std::string& entry) {
  int major = 0;
  int minor = 0;
  std::sscanf(version_answer().c_str(), "%d.%d", &major, &minor);
  const bool has_metrics = major >= 7;
  const bool has_interface = major < 7 || (major == 7 && minor == 0);
  if (!has_metrics && entry.find("$metrics_port") != std::string::npos) return "metrics_port";
  if (!has_interface && entry.find("$interface") != std::string::npos) return "interface";
  return "";
}

// Zeek loads cluster-layout from ZEEKPATH when CLUSTER_NODE is set; a missing file, one that
// does not define this node, or a field its version lacks, is fatal there too.
std::string layout_problem(const std::string& node) {
  const char* zeekpath = std::getenv("ZEEKPATH");
  std::stringstream dirs(zeekpath != nullptr ? zeekpath : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::ifstream in(dir + "/cluster-layout.zeek");
    if (!in) continue;
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::size_t at = text.find("[\"" + node + "\"]");
    if (at == std::string::npos) {
      return "fatal error: " + dir + "/cluster-layout.zeek does not define node '" + node + "'";
    }
    const std::string entry = text.substr(at, text.find('\n', at) - at);
    if (const std::string field = field_problem(entry); !field.empty()) {
      return "error in " + dir + "/cluster-layout.zeek: field '" + field +
             "' is not in record Cluster::Node of Zeek " + version_answer();
    }
    return "";
  }
  return std::string("fatal error: can't find cluster-layout (CLUSTER_NODE=") + node +
         ", ZEEKPATH=" + (zeekpath != nullptr ? zeekpath : "") + ")";
}

void print_env(int argc, char** argv) {
  std::ofstream env("fake-zeek.env");
  for (char** e = environ; *e != nullptr; ++e)
    env << *e << '\n';
  std::ofstream args("fake-zeek.argv");
  for (int i = 1; i < argc; ++i)
    args << argv[i] << '\n';
}

// The manager's (or standalone node's) WebSocket control endpoint; its settings come from
// the control file of the node a request is for.
std::string serve_control(const std::string& node) {
  return fake_zeek::start_control_endpoint(
      node, version_answer(), [](const std::string& who, const std::string& key) {
        const auto settings = read_control(who);
        const auto it = settings.find(key);
        return it == settings.end() ? std::string() : it->second;
      });
}

int run(const Args& args, const std::string& node) {
  g_status = args.status_file;
  write_status("INITIALIZING [main]");
  if (const std::string text = setting("stderr"); !text.empty()) std::cerr << text << std::endl;
  const char* cluster_node = std::getenv("CLUSTER_NODE");
  if (cluster_node != nullptr && *cluster_node != '\0') {
    if (const std::string problem = layout_problem(cluster_node); !problem.empty()) {
      std::cerr << problem << std::endl;
      write_status("TERMINATED [fatal_error]");
      return 1;
    }
  }
  if (const std::string code = setting("crash_at_start"); !code.empty()) {
    std::cerr << "fatal error: fake zeek " << node << " told to fail at start" << std::endl;
    std::ofstream("reporter.log") << "#fields\tts\tlevel\tmessage\n0.0\tReporter::ERROR\tfake "
                                     "reporter error\n";
    write_status("TERMINATED [fatal_error]");
    return std::atoi(code.c_str());
  }
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGINT);
  sigprocmask(SIG_BLOCK, &term, nullptr);
  // After the mask: the endpoint's threads leave SIGTERM to this one.
  if (const std::string problem = serve_control(node); !problem.empty()) {
    std::cerr << problem << std::endl;
    write_status("TERMINATED [fatal_error]");
    return 1;
  }
  if (const long slow = number("slow_start_ms", 0); slow > 0) {
    const auto begin = std::chrono::steady_clock::now();
    while (!g_term && elapsed_ms(begin) < slow)
      wait_ms(slow - elapsed_ms(begin));
  }
  write_status("RUNNING [run_loop]");
  std::cout << "fake zeek " << node << " running" << std::endl;
  const long crash_after = number("crash_after_ms", -1);
  const auto start = std::chrono::steady_clock::now();
  while (!g_term) {
    const long elapsed = elapsed_ms(start);
    if (crash_after >= 0 && elapsed >= crash_after) std::abort();
    wait_ms(crash_after >= 0 ? crash_after - elapsed : -1);
  }
  write_status("TERMINATING [sig_handler]");
  if (setting("crash_on_term") == "1") std::abort();
  if (const std::string code = setting("exit_on_term"); !code.empty())
    return std::atoi(code.c_str());
  if (const long slow = number("slow_stop_ms", 0); slow != 0) {
    if (slow < 0) signal(SIGTERM, SIG_IGN);
    const auto begin = std::chrono::steady_clock::now();
    while (slow < 0 || elapsed_ms(begin) < slow)
      wait_ms(slow < 0 ? -1 : slow - elapsed_ms(begin));
  }
  std::cout << "fake zeek " << node << " terminating" << std::endl;
  write_status("TERMINATED [atexit]");
  return 0;
}

// ---- check runs (`brocluster check` and `scripts`) ----

bool is_live(const Args& args) {
  return std::find(args.prefixes.begin(), args.prefixes.end(), "zeekctl-live") !=
         args.prefixes.end();
}

// Where Zeek would find `script` on ZEEKPATH; "" when nowhere.
std::string resolve_script(const std::string& script) {
  const char* zeekpath = std::getenv("ZEEKPATH");
  std::stringstream dirs(zeekpath != nullptr ? zeekpath : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    for (const std::string& candidate : {dir + "/" + script, dir + "/" + script + ".zeek",
                                         dir + "/" + script + "/__load__.zeek"}) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    }
  }
  return "";
}

// The scripts a package's __load__.zeek loads with `@load ./x` (one level is enough here).
std::vector<std::string> package_scripts(const std::string& load_file) {
  std::vector<std::string> out;
  if (!load_file.ends_with("/__load__.zeek")) return out;
  const std::string dir = std::filesystem::path(load_file).parent_path().string();
  std::ifstream in(load_file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("@load ./")) continue;
    std::string name = dir + "/" + line.substr(8);
    if (!name.ends_with(".zeek")) name += ".zeek";
    out.push_back(name);
  }
  return out;
}

// Zeek's message for the fake's one syntax error.
std::vector<std::string> syntax_errors(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find("this is an error") != std::string::npos)
      out.push_back("error in " + file + ", line " + std::to_string(n) +
                    ": syntax error, at or near \"is\"");
  }
  return out;
}

void write_loaded_scripts(const std::vector<std::string>& files) {
  std::ofstream log("loaded_scripts.log");
  log << "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
         "#path\tloaded_scripts\n#open\t2026-01-01-00-00-00\n#fields\tname\n#types\tstring\n";
  for (const std::string& file : files) {
    log << file << '\n';
    for (const std::string& inner : package_scripts(file))
      log << "  " << inner << '\n';
  }
  log << "#close\t2026-01-01-00-00-00\n";
}

void record_check(int argc, char** argv) {
  const std::string file = setting("check_record");
  if (file.empty()) return;
  std::ofstream out(file, std::ios::app);
  for (const char* var : {"CLUSTER_NODE", "ZEEKCTL_CHECK_CONFIG", "ZEEKCTL_DISABLE_LISTEN"}) {
    const char* value = std::getenv(var);
    out << var << '=' << (value != nullptr ? value : "") << ' ';
  }
  out << "argv:";
  for (int i = 1; i < argc; ++i)
    out << ' ' << argv[i];
  out << '\n';
}

int run_check(const Args& args) {
  const char* cluster_node = std::getenv("CLUSTER_NODE");
  if (cluster_node != nullptr && *cluster_node != '\0') {
    if (const std::string problem = layout_problem(cluster_node); !problem.empty()) {
      std::cerr << problem << std::endl;
      return 1;
    }
  }
  std::vector<std::string> files;
  std::vector<std::string> errors;
  for (const std::string& script : args.scripts) {
    const std::string file = resolve_script(script);
    if (file.empty()) {
      if (!script.starts_with("base/") && !script.starts_with("policy/"))
        errors.push_back("fatal error: can't find " + script);
      continue;
    }
    files.push_back(file);
    for (const std::string& e : syntax_errors(file))
      errors.push_back(e);
  }
  if (const std::string text = setting("check_error"); !text.empty()) errors.push_back(text);
  for (const std::string& e : errors)
    std::cerr << e << std::endl;
  if (!errors.empty()) return 1;
  if (!args.parse_only) write_loaded_scripts(files);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, &args)) {
    std::cerr << "usage: zeek [options] [file ...]" << std::endl;
    return 1;
  }
  const char* cluster_node = std::getenv("CLUSTER_NODE");
  std::string node = cluster_node != nullptr ? cluster_node : "";
  if (node.empty() && !args.prefixes.empty()) node = args.prefixes.back();
  g_control = read_control(node);
  if (args.version) {
    std::cout << "zeek version " << version_answer() << std::endl;
    return 0;
  }
  if (setting("print_env") == "1") print_env(argc, argv);
  if (args.parse_only || !is_live(args)) {
    record_check(argc, argv);
    return run_check(args);
  }
  return run(args, node);
}
