#include "collector/crash_watch.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "messages/codec.h"

namespace bc::collector {

CrashWatch::CrashWatch(net::RequestMux& requests, const Clock& clock,
                       std::chrono::milliseconds comm_timeout, OnCrash on_crash)
    : requests_(requests),
      clock_(clock),
      comm_timeout_(comm_timeout),
      on_crash_(std::move(on_crash)) {}

void CrashWatch::arm(const std::string& host) {
  HostWatch& w = hosts_[host];
  w.stopped = false;
  if (w.open > 0 && clock_.now() - w.asked < std::chrono::seconds(1)) return;
  ask(host);
}

void CrashWatch::heard(const std::string& host, std::int64_t ts) {
  HostWatch& w = hosts_[host];
  w.heard = std::max(w.heard, ts);
}

std::size_t CrashWatch::open() const {
  std::size_t n = 0;
  for (const auto& [host, w] : hosts_)
    n += static_cast<std::size_t>(w.open);
  return n;
}

void CrashWatch::ask(const std::string& host) {
  const double hold_s = std::chrono::duration<double>(kHold).count();
  HostWatch& w = hosts_[host];
  const std::uint64_t generation = w.generation + 1;
  msg::Value args = msg::Value::empty_map().set("hold", hold_s);
  // Nothing heard yet (our start): the reconciliation that arms us tells the present.
  if (w.heard > 0) args.set("after", w.heard);
  const auto sent = requests_.send(
      host, "watch_crashes", std::move(args), kHold + comm_timeout_,
      [this, host, generation](const Result<msg::Reply>& r) { on_answer(host, generation, r); });
  if (!sent.is_ok()) return;
  ++w.open;
  w.generation = generation;
  w.asked = clock_.now();
}

void CrashWatch::on_answer(const std::string& host, std::uint64_t generation,
                           const Result<msg::Reply>& reply) {
  HostWatch& w = hosts_[host];
  --w.open;
  const Status s = reply.is_ok() ? msg::reply_status(*reply) : reply.status();
  if (!s.is_ok() && s.code() != ErrorCode::kUnreachable) {
    if (!w.stopped) {
      spdlog::info("no crash watch on {} ({}); its crashes come by the bus alone", host,
                   s.message());
    }
    w.stopped = true;
    return;
  }
  if (reply.is_ok() && reply->result) {
    if (const msg::Value* ev = reply->result->find("event"); ev && ev->as_binary()) {
      const auto& bytes = ev->as_binary()->bytes;
      auto e = msg::decode<msg::NodeStateChange>(
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      if (e.is_ok() && e->env.host == host) {
        heard(host, e->env.ts);
        on_crash_(*e);
      } else {
        spdlog::warn("ignored a crash notice from {}: {}", host,
                     e.is_ok() ? "it names host " + e->env.host : e.status().message());
      }
    }
  }
  // The next crash may follow at once: ask again before anything else. Only the newest
  // watch is renewed: an older one may have gone with a supervisor that restarted (arm()
  // asked its successor), and counting it as open would leave the host unwatched until its
  // deadline.
  if (generation == w.generation && !w.stopped) ask(host);
}

}  // namespace bc::collector
