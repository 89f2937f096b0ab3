// brocluster: the cluster shell. Parses global options, then runs one command or the
// interactive shell.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "common/paths.h"
#include "common/version.h"
#include "net/request_mux.h"
#include "shell/shell.h"

int main(int argc, char** argv) {
  CLI::App app{"BroCluster shell: controls a cluster of network analysis nodes", "brocluster"};
  std::string base;
  bool json = false;
  bool version = false;
  app.add_option("--base", base,
                 "BroBase: the installation directory (default: derived from the "
                 "executable's location or $BROCLUSTER_BASE)");
  app.add_flag("--json", json, "machine-readable JSON output");
  std::string key;
  app.add_option("--key", key,
                 "secret key to authenticate with on the bus: a name in etc/keys/secret or a "
                 "file (default: $BROCLUSTER_KEY, else admin)");
  app.add_flag("--version", version, "print the version and exit");
  app.prefix_command();  // everything from the first positional on is the command
  app.footer("Without a command, starts the interactive shell. 'brocluster help' lists commands.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << bc::kProductName << ' ' << bc::kVersion << '\n';
    return 0;
  }
  std::vector<std::string> words = app.remaining();
  // `--json` is accepted after the command as well (`brocluster status --json`), except
  // where it is part of a command line handed to another program.
  if (words.empty() || words[0] != "exec") {
    const auto it = std::remove(words.begin(), words.end(), "--json");
    if (it != words.end()) json = true;
    words.erase(it, words.end());
  }
  bc::shell::ShellContext ctx(base.empty() ? bc::default_base_dir() : bc::absolute_path(base), json,
                              std::cout, std::cerr);
  if (key.empty()) {
    const char* env = std::getenv("BROCLUSTER_KEY");
    key = env != nullptr && *env != '\0' ? env : "admin";
  }
  ctx.set_key(key);
  bc::shell::Shell shell(ctx);
  const int rc = words.empty() ? shell.run_interactive() : shell.dispatch(words);
  if (const char* debug = std::getenv("BROCLUSTER_DEBUG_ROUND_TRIPS"); debug && *debug) {
    // For bench/ and tests: how many requests this shell sent, in how many waits.
    const bc::net::MuxTraffic t = bc::net::process_traffic();
    std::cerr << "round trips: " << t.requests << " requests in " << t.waits << " waits\n";
  }
  return rc;
}
