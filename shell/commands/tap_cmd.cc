// `tap [--json] [<topic-prefix> ...]`: follows the bus live until Ctrl-C, one line per
// event (readable, or the event as JSON). Ends quietly when its reader goes away.

#include <ostream>

#include "config/endpoints.h"
#include "messages/codec.h"
#include "net/handshake_watch.h"
#include "net/socket_factory.h"
#include "shell/commands/handlers.h"
#include "shell/event_text.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_tap(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  zmq::socket_t sub = net::make_socket(ctx.zmq(), zmq::socket_type::sub);
  const std::string endpoint = config::broker_sub_endpoint(*cluster);
  if (Status s = ctx.security()->secure_client(sub, std::string(security::kBrokerKeyName));
      !s.is_ok()) {
    return ctx.fail(s.message());
  }
  // A broker that refuses our key is said at once, as status says it (issue 18: tap waited
  // silently for ever).
  net::HandshakeWatch handshake(ctx.zmq(), sub, ctx.security()->enabled());
  sub.connect(endpoint);
  if (args.empty()) sub.set(zmq::sockopt::subscribe, "");
  for (const auto& prefix : args)
    sub.set(zmq::sockopt::subscribe, prefix);
  install_interrupt_handler();
  clear_interrupt();
  if (!ctx.json()) ctx.err() << "tapping " << endpoint << " (Ctrl-C to stop)\n";
  while (!interrupted()) {
    // stdout too: a pipe whose reader has gone (`| head`) reports an error at once, so we
    // end without waiting for the next event to fail its write.
    zmq::socket_t* monitor = handshake.monitor();
    zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, 1, 0, 0},
                               {monitor ? monitor->handle() : nullptr, 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, monitor ? 3 : 2, std::chrono::milliseconds(250));
    } catch (const zmq::error_t&) {
      continue;  // EINTR: the loop condition decides
    }
    if (Status refused = handshake.check(endpoint); !refused.is_ok()) {
      clear_interrupt();
      return ctx.fail(refused);
    }
    if (items[1].revents & ZMQ_POLLERR) break;
    if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
    zmq::message_t topic, body;
    if (!sub.recv(topic, zmq::recv_flags::dontwait)) continue;
    if (!topic.more()) continue;
    (void)sub.recv(body, zmq::recv_flags::none);
    if (ctx.json()) {
      auto json = msg::event_to_json(body.to_string_view());
      ctx.out() << (json.is_ok()
                        ? *json
                        : "{\"topic\":\"" + topic.to_string() + "\",\"error\":\"undecodable\"}")
                << '\n';
    } else {
      ctx.out() << event_line(topic.to_string_view(), body.to_string_view()) << '\n';
    }
    ctx.out().flush();
    if (!ctx.out().good()) break;  // the reader went away (| head)
  }
  clear_interrupt();
  return 0;
}

}  // namespace bc::shell
