#include "supervisor/install_commands.h"

#include <spdlog/spdlog.h>

namespace bc::sup {
namespace {

void relay(const msg::Request& r, const Supervisor::Responder& respond, Result<msg::Value> result) {
  if (!result.is_ok()) return respond(msg::make_error(r.id, result.status()));
  respond(msg::make_ok(r.id, std::move(*result)));
}

}  // namespace

void cmd_install_begin(Supervisor& sup, const msg::Request& r,
                       const Supervisor::Responder& respond) {
  relay(r, respond, sup.installer().begin(r.args));
}

void cmd_install_chunk(Supervisor& sup, const msg::Request& r,
                       const Supervisor::Responder& respond) {
  relay(r, respond, sup.installer().chunk(r.args));
}

void cmd_install_commit(Supervisor& sup, const msg::Request& r,
                        const Supervisor::Responder& respond) {
  auto committed = sup.installer().commit(r.args);
  if (!committed.is_ok()) return respond(msg::make_error(r.id, committed.status()));
  // The files are in place whatever happens next; a snapshot that does not load (check
  // passed on the manager, so this is a host-specific problem) keeps the old nodes and
  // says why, and the next start fails with the same message.
  if (Status s = sup.reload_installed(); !s.is_ok()) {
    spdlog::error("host {}: {}", sup.options().host, s.message());
    committed->set("warning", s.message());
  }
  respond(msg::make_ok(r.id, std::move(*committed)));
}

}  // namespace bc::sup
