#include "supervisor/supervisor.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cerrno>
#include <zmq_addon.hpp>

#include "common/file_util.h"
#include "common/strings.h"
#include "messages/codec.h"
#include "net/socket_factory.h"
#include "supervisor/node_registry.h"
#include "supervisor/state_store.h"
#include "supervisor/supervisor_commands.h"

namespace bc::sup {

Supervisor::Supervisor(zmq::context_t& ctx, SignalFd signals, SupervisorOptions options,
                       const Clock& clock, Spawner& spawner, const ProcReader& proc)
    : signals_(std::move(signals)),
      options_(std::move(options)),
      clock_(clock),
      spawner_(spawner),
      proc_(proc),
      commands_(net::make_socket(ctx, zmq::socket_type::router)),
      events_(ctx, options_.host, options_.broker_endpoint, clock, options_.security.get()),
      gate_(ctx, options_.host, options_.broker_sub_endpoint, options_.security.get()),
      request_gate_(options_.security.get(), security::Service::kSupervisor),
      jobs_(spawner, timers_, clock, options_.tmp_dir + "/jobs"),
      control_(ctx, timers_),
      samples_(ctx, timers_),
      zeek_control_(options_.host),
      zeek_probe_(spawner, options_.tmp_dir + "/zeek-probe"),
      state_file_(options_.spool_dir + "/supervisor.state"),
      installer_(options_.spool_dir + "/installed"),
      boot_id_(current_boot_id()),
      started_(clock.now()) {
  for (const auto& spec : options_.nodes)
    nodes_[spec.name].spec = spec;
}

Supervisor::~Supervisor() {
  for (auto& [name, node] : nodes_) {
    if (node.pidfd >= 0) close(node.pidfd);
    if (node.notify_fd >= 0) close(node.notify_fd);
  }
}

Status Supervisor::start() {
  // The host's directories exist from the start: `df` reports on them and crash records,
  // exec output and archived logs go there (a fresh host has none of them yet).
  for (const std::string* dir : {&options_.spool_dir, &options_.tmp_dir, &options_.log_dir}) {
    if (dir->empty()) continue;
    if (Status s = ensure_dir(*dir, 0755); !s.is_ok()) return s;
  }
  if (options_.security) options_.security->secure_server(commands_, security::kDomainSupervisor);
  try {
    commands_.bind(options_.bind_endpoint);
  } catch (const zmq::error_t& e) {
    return Status::io_error("cannot listen on " + options_.bind_endpoint + ": " + e.what());
  }
  restore();
  // Without a broker our heartbeat never comes back: publish the held events anyway.
  const Millis gate_deadline = std::max(Millis(2000), 3 * options_.heartbeat_interval);
  timers_.schedule(clock_.now() + gate_deadline, [this] {
    if (!gate_.is_open()) {
      spdlog::warn("host {}: event bus at {} not confirmed; publishing anyway", options_.host,
                   options_.broker_sub_endpoint);
    }
    gate_.open();
  });
  timers_.schedule(clock_.now(), [this] { publish_heartbeat(); });
  timers_.schedule(clock_.now() + options_.stats_interval, [this] { publish_stats(); });
  spdlog::info("host {}: serving on {}, publishing to {}, {} nodes", options_.host,
               options_.bind_endpoint, options_.broker_endpoint, nodes_.size());
  return Status::ok();
}

void Supervisor::run() {
  while (!stop_requested_.load())
    poll_once();
  records_.flush();
  for (WrittenRecord& w : records_.take())
    on_record_written(std::move(w));
  jobs_.kill_all();
  persist();
  spdlog::info("host {}: supervisor stopping; nodes keep running", options_.host);
}

void Supervisor::poll_once() {
  std::vector<zmq::pollitem_t> items = {{commands_.handle(), 0, ZMQ_POLLIN, 0},
                                        {nullptr, signals_.fd(), ZMQ_POLLIN, 0},
                                        {nullptr, records_.fd(), ZMQ_POLLIN, 0}};
  // Until the bus is confirmed, the gate's probe too (bus_gate.h).
  const bool probing = gate_.probe_handle() != nullptr;
  if (probing) items.push_back({gate_.probe_handle(), 0, ZMQ_POLLIN, 0});
  const std::size_t first_node_item = items.size();
  std::vector<std::pair<Node*, bool>> owners;  // (node, is_pidfd) per extra item
  for (auto& [name, node] : nodes_) {
    if (node.notify_fd >= 0) {
      items.push_back({nullptr, node.notify_fd, ZMQ_POLLIN, 0});
      owners.emplace_back(&node, false);
    }
    if (node.pidfd >= 0 && node.adopted) {
      items.push_back({nullptr, node.pidfd, ZMQ_POLLIN, 0});
      owners.emplace_back(&node, true);
    }
  }
  const std::size_t first_control_item = items.size();
  control_.poll_items(items);
  const std::size_t control_items = items.size() - first_control_item;
  const std::size_t first_sample_item = items.size();
  samples_.poll_items(items);
  const std::size_t sample_items = items.size() - first_sample_item;
  const std::size_t zeek_item = items.size();
  items.push_back({nullptr, zeek_control_.fd(), ZMQ_POLLIN, 0});
  const long timeout = poll_timeout_ms(timers_.next_deadline(), clock_.now(), Millis(1000));
  try {
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout));
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("poll failed: {}", e.what());
    return;
  }
  if (items[1].revents & ZMQ_POLLIN) on_signals();
  if (probing && (items[3].revents & ZMQ_POLLIN)) {
    gate_.on_probe_readable(getpid());
    if (gate_.is_open()) send_heartbeat();  // the first that vouches for every event
  }
  if (items[0].revents & ZMQ_POLLIN) on_command();
  if (items[2].revents & ZMQ_POLLIN) {
    for (WrittenRecord& w : records_.take())
      on_record_written(std::move(w));
  }
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if ((items[i + first_node_item].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) == 0) continue;
    auto [node, is_pidfd] = owners[i];
    // A handler above (a SIGCHLD, a command) may have released this fd meanwhile.
    if (items[i + first_node_item].fd != (is_pidfd ? node->pidfd : node->notify_fd)) continue;
    is_pidfd ? on_pidfd(*node) : on_notify(*node);
  }
  control_.on_readable(items.data() + first_control_item, control_items);
  samples_.on_readable(items.data() + first_sample_item, sample_items);
  if (items[zeek_item].revents & ZMQ_POLLIN) zeek_control_.on_readable();
  timers_.run_due(clock_.now());
  if (state_dirty_) persist();
}

void Supervisor::on_signals() {
  for (int sig : signals_.drain()) {
    if (sig == SIGCHLD) {
      on_child_exits();
    } else if (sig == SIGTERM || sig == SIGINT) {
      spdlog::info("host {}: {} received", options_.host, strsignal(sig));
      stop_requested_.store(true);
    } else if (sig == SIGHUP) {
      // Configuration changes reach nodes through install + restart, not a reload.
      spdlog::info("host {}: SIGHUP ignored; use install and restart", options_.host);
    }
  }
}

void Supervisor::on_child_exits() {
  for (const ExitInfo& exit : reap_children()) {
    if (jobs_.on_exit(exit)) continue;
    auto it = by_pid_.find(exit.pid);
    if (it == by_pid_.end()) {
      spdlog::warn("host {}: reaped unknown child {} ({})", options_.host, exit.pid,
                   describe_exit(exit));
      continue;
    }
    Node& node = nodes_.at(it->second);
    node.last_exit = exit;
    node.last_reason = describe_exit(exit);
    apply(node, is_zeek(node) ? zeek_exit_event(node, exit) : exit_event(exit), nullptr);
  }
}

void Supervisor::on_notify(Node& node) {
  char buf[256];
  const ssize_t n = read(node.notify_fd, buf, sizeof buf);
  if (n <= 0) {
    if (n < 0 && errno == EAGAIN) return;
    close(node.notify_fd);  // the node closed it; the grace timer still decides
    node.notify_fd = -1;
    return;
  }
  node.notify_buffer.append(buf, static_cast<std::size_t>(n));
  std::size_t eol;
  while ((eol = node.notify_buffer.find('\n')) != std::string::npos) {
    const std::string line = node.notify_buffer.substr(0, eol);
    node.notify_buffer.erase(0, eol + 1);
    if (line == "ready") {
      apply(node, NodeEvent::kReady, nullptr);
      return;
    }
    if (line == "initializing" && node.timers.ready != 0) {
      // The program speaks the readiness protocol: wait for its word, not the grace time.
      timers_.cancel(node.timers.ready);
      node.timers.ready = 0;
    }
  }
  if (node.notify_buffer.size() > 1024) node.notify_buffer.clear();  // garbage, not a line
}

void Supervisor::on_pidfd(Node& node) {
  // An adopted node is not our child: it has ended, but its exit status went to init.
  node.last_exit.reset();
  node.last_reason = "exited while adopted (status unknown)";
  apply(node, NodeEvent::kExitClean, nullptr);
}

void Supervisor::on_command() {
  for (int batch = 0; batch < 64; ++batch) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(commands_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
      return;
    }
    ++counters_.requests;
    if (frames.size() != 2) {
      ++counters_.malformed;
      if (std::uint64_t left_out = 0; request_gate_.may_log_refusal(clock_.now(), left_out)) {
        spdlog::warn("host {}: dropped a request of {} frames{}", options_.host, frames.size(),
                     left_out_note(left_out));
      }
      continue;
    }
    const std::string identity = frames[0].to_string();
    auto request = msg::decode<msg::Request>(frames[1].to_string_view());
    if (!request.is_ok()) {
      ++counters_.malformed;
      if (std::uint64_t left_out = 0; request_gate_.may_log_refusal(clock_.now(), left_out)) {
        spdlog::warn("host {}: malformed request: {}{}", options_.host,
                     printable(request.status().message(), 200), left_out_note(left_out));
      }
      send_reply(identity, msg::make_error(0, Status(request.status().code(),
                                                     printable(request.status().message(), 300))));
      continue;
    }
    if (Status s = request_gate_.admit(frames[1], *request, clock_.wall_us()); !s.is_ok()) {
      if (std::uint64_t left_out = 0; request_gate_.may_log_refusal(clock_.now(), left_out)) {
        spdlog::warn("host {}: refused '{}': {}{}", options_.host, printable(request->cmd),
                     printable(s.message(), 300), left_out_note(left_out));
      }
      send_reply(identity, msg::make_error(request->id, s));
      continue;
    }
    dispatch(identity, *request);
  }
}

void Supervisor::dispatch(const std::string& identity, const msg::Request& request) {
  Responder respond = [this, identity](const msg::Reply& reply) { send_reply(identity, reply); };
  requester_ = identity;
  // The one exception border of request handling: a throwing handler is an error reply.
  try {
    handle_command(*this, request, respond);
  } catch (const std::exception& e) {
    spdlog::error("host {}: command '{}' failed: {}", options_.host, printable(request.cmd),
                  printable(e.what(), 300));
    respond(msg::make_error(request.id, Status::internal(e.what())));
  }
  requester_.clear();
}

void Supervisor::send_reply(const std::string& identity, const msg::Reply& reply) {
  if (!reply.ok) ++counters_.errors;
  const std::string body = msg::encode(reply);
  try {
    (void)commands_.send(zmq::buffer(identity),
                         zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    (void)commands_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    spdlog::warn("host {}: reply {} not sent: {}", options_.host, reply.id, e.what());
  }
}

Result<std::vector<Node*>> Supervisor::select(const msg::Value& args) {
  const msg::Value* names = args.find("nodes");
  std::vector<std::string> requested;
  if (names != nullptr && !names->is_nil()) {
    if (names->as_array() == nullptr) {
      return Status::invalid_argument("'nodes' must be a list of node names");
    }
    for (const auto& name : *names->as_array()) {
      const std::string* s = name.as_string();
      if (s == nullptr) return Status::invalid_argument("node names must be strings");
      requested.push_back(*s);
    }
  }
  std::vector<std::string> configured;
  std::vector<std::string> unconfigured;
  for (const auto& spec : options_.nodes)  // start order
    configured.push_back(spec.name);
  for (const auto& [name, node] : nodes_) {
    if (!node.configured) unconfigured.push_back(name);
  }
  auto selected = select_names(configured, unconfigured, requested,
                               args.get_bool("unconfigured").value_or(false), options_.host);
  if (!selected.is_ok()) return selected.status();
  std::vector<Node*> out;
  for (const std::string& name : *selected)
    out.push_back(&nodes_.at(name));
  return out;
}

}  // namespace bc::sup
