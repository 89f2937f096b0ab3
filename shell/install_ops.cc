#include "shell/install_ops.h"

#include <filesystem>
#include <map>
#include <ostream>

#include "common/paths.h"
#include "common/strings.h"
#include "config/node_profile.h"
#include "install/bundle_sender.h"
#include "install/cluster_bundle.h"
#include "install/wire.h"
#include "shell/cluster_client.h"
#include "shell/node_args.h"
#include "shell/node_program.h"
#include "shell/run_command.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSamples[] = {"local.bro", "local-manager.bro", "local-worker.bro"};
// Chunks in flight per host per round: enough to keep a link busy, little enough that a
// round stays well within CommTimeout.
constexpr int kChunksPerRound = 8;

std::vector<std::string> site_dirs(const config::Cluster& cluster) {
  return split_trimmed(cluster.options.get("SitePolicyPath"), ":");
}

// Where pristine samples are: an installed BroCluster's share/, else PolicyDir/local (the
// samples cmake --install put there), when that is not the site dir being filled.
std::string sample_dir(const config::Cluster& cluster, const std::string& target) {
  std::error_code ec;
  for (const std::string& dir : {self_directory() + "/../share/brocluster/site-samples",
                                 cluster.options.get("PolicyDir") + "/local"}) {
    if (fs::is_directory(dir, ec) && !fs::equivalent(dir, target, ec)) return dir;
  }
  return {};
}

std::string short_version(const std::string& v) {
  return v.substr(0, 12);
}

struct HostState {
  HostInstall result;
  std::optional<install::BundleSender> sender;
  bool done = false;  // finished, one way or the other
};

void fail_host(HostState& h, Status s) {
  h.result.status = std::move(s);
  h.done = true;
}

Status reply_status(const Outcome& o) {
  if (!o.reply.is_ok()) return o.reply.status();
  return msg::reply_status(*o.reply);
}

}  // namespace

std::vector<std::string> place_sample_site_scripts(const config::Cluster& cluster) {
  std::vector<std::string> added;
  const auto dirs = site_dirs(cluster);
  if (dirs.empty()) return added;
  const std::string& target = dirs.front();
  std::error_code ec;
  for (const char* name : kSamples) {
    if (fs::exists(fs::path(target) / name, ec)) return added;  // not a first install
  }
  const std::string from = sample_dir(cluster, target);
  if (from.empty()) return added;
  fs::create_directories(target, ec);
  for (const char* name : kSamples) {
    const fs::path src = fs::path(from) / name;
    if (fs::exists(src, ec) && fs::copy_file(src, fs::path(target) / name, ec)) {
      added.push_back((fs::path(target) / name).string());
    }
  }
  return added;
}

Result<std::optional<config::ZeekVersion>> zeek_version_of(const config::Cluster& cluster) {
  const config::NodeSpec* zeek_node = nullptr;
  for (const config::NodeSpec& n : cluster.nodes) {
    if (config::effective_profile(cluster.options, n) == config::NodeProfile::kZeek) {
      zeek_node = &n;
      break;
    }
  }
  if (zeek_node == nullptr) return std::optional<config::ZeekVersion>();
  const std::string program =
      zeek_node->program.empty() ? cluster.options.get("ZeekPath") : zeek_node->program;
  const std::string what = "nodes of profile zeek need Zeek's version ('" + program +
                           " --version', run here, for cluster-layout.zeek): ";
  auto run = run_command({program, "--version"}, std::chrono::seconds(5));
  if (!run.is_ok()) return Status(run.status().code(), what + run.status().message());
  auto version = config::parse_zeek_version(run->output);
  if (run->exit_code != 0 || !version) {
    return Status::invalid_argument(what + "it said '" + printable(trim(run->output), 200) + "'");
  }
  return std::optional<config::ZeekVersion>(*version);
}

Result<install::Bundle> edited_bundle(const config::Cluster& cluster) {
  auto zeek = zeek_version_of(cluster);
  if (!zeek.is_ok()) return zeek.status();
  return install::cluster_bundle(cluster, *zeek);
}

std::future<Result<install::Bundle>> edited_bundle_async(const config::Cluster& cluster) {
  return std::async(std::launch::async, [&cluster] { return edited_bundle(cluster); });
}

bool warn_if_not_installed(ShellContext& ctx, const std::map<std::string, std::string>& installed,
                           std::future<Result<install::Bundle>>& edited) {
  if (installed.empty() || !edited.valid()) return false;
  const Result<install::Bundle> bundle = edited.get();
  if (!bundle.is_ok()) return false;  // check and install will say what is wrong
  std::string stale;
  for (const auto& [host, version] : installed) {
    if (version != bundle->manifest.version) stale += (stale.empty() ? "" : ", ") + host;
  }
  if (stale.empty()) return false;
  ctx.warn("configuration has changed; run install (installed version differs on " + stale + ")");
  return true;
}

std::vector<HostInstall> install_on_hosts(ShellContext& ctx, const install::Bundle& bundle,
                                          const std::vector<std::string>& hosts) {
  const config::Cluster& cluster = *ctx.cluster();
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  const auto round_trip = client.comm_timeout();
  std::map<std::string, HostState> state;
  for (const std::string& h : hosts)
    state[h].result.host = h;

  const auto report = [&](HostState& h) {
    if (ctx.json()) return;
    if (h.result.status.is_ok()) {
      ctx.out() << h.result.host << ": installed " << short_version(bundle.manifest.version)
                << (h.result.already_installed ? " (already there)" : "") << '\n';
    } else {
      ctx.out() << h.result.host << ": install failed: " << h.result.status.message() << '\n';
    }
  };

  // begin: every host says which files it needs. A host that is down costs this round
  // its deadline, so it is short: the receiver only hashes the files it can reuse.
  std::vector<Call> calls;
  for (const std::string& h : hosts)
    calls.push_back({h, "install_begin", install::begin_args(bundle.manifest), h});
  for (const Outcome& o : client.run(calls, 2 * round_trip)) {
    HostState& h = state[o.call.host];
    if (Status s = reply_status(o); !s.is_ok()) {
      fail_host(h, s);
      report(h);
      continue;
    }
    auto sender = install::BundleSender::create(bundle, *o.reply->result);
    if (!sender.is_ok()) {
      fail_host(h, sender.status());
      report(h);
      continue;
    }
    if (!ctx.json()) {
      ctx.out() << h.result.host << ": sending " << sender->bytes_total() << " bytes\n";
    }
    h.sender.emplace(std::move(*sender));
  }

  // The needed bytes, a few chunks per host per round; a host that fails drops out.
  for (;;) {
    calls.clear();
    for (auto& [name, h] : state) {
      if (h.done || !h.sender) continue;
      for (int i = 0; i < kChunksPerRound && !h.sender->done(); ++i) {
        auto chunk = h.sender->next_chunk();
        if (!chunk.is_ok()) {
          fail_host(h, chunk.status());
          report(h);
          break;
        }
        calls.push_back({name, "install_chunk", std::move(*chunk), name});
      }
    }
    if (calls.empty()) break;
    for (const Outcome& o : client.run(calls, round_trip)) {
      HostState& h = state[o.call.host];
      if (h.done) continue;
      if (Status s = reply_status(o); !s.is_ok()) {
        fail_host(h, s);
        report(h);
      }
    }
  }

  // commit: the receiver verifies every file before it switches (a second per ~300 MiB).
  calls.clear();
  for (auto& [name, h] : state) {
    if (!h.done && h.sender)
      calls.push_back({name, "install_commit", h.sender->commit_args(), name});
  }
  for (const Outcome& o : client.run(calls, round_trip + std::chrono::seconds(10))) {
    HostState& h = state[o.call.host];
    Status s = reply_status(o);
    if (s.is_ok()) {
      h.result.previous = o.reply->result->get_string("previous").value_or("");
      h.result.already_installed = o.reply->result->get_bool("already_installed").value_or(false);
      h.result.bytes_sent = h.sender->bytes_sent();
    }
    h.result.status = s;
    h.done = true;
    report(h);
  }
  std::vector<HostInstall> out;
  for (const std::string& h : hosts)
    out.push_back(state[h].result);
  return out;
}

}  // namespace bc::shell
