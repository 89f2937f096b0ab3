#include "shell/shell_context.h"

#include <ostream>

namespace bc::shell {

ShellContext::ShellContext(std::string base_dir, bool json, std::ostream& out, std::ostream& err)
    : base_dir_(std::move(base_dir)), json_(json), out_(out), err_(err) {}

const config::Cluster* ShellContext::cluster() {
  if (cluster_) return &*cluster_;
  if (load_failed_) return nullptr;
  config::Diagnostics diags;
  config::LoadOptions options;
  options.base_dir = base_dir_;
  config::Cluster loaded = config::load_cluster(options, diags);
  for (const auto& d : diags.items())
    err_ << d.render() << '\n';
  if (diags.has_errors()) {
    load_failed_ = true;
    return nullptr;
  }
  cluster_ = std::move(loaded);
  return &*cluster_;
}

const security::BusSecurity* ShellContext::security() {
  if (security_) return &*security_;
  const config::Cluster* c = cluster();
  if (c == nullptr) {
    security_ = security::BusSecurity::broken(Status::invalid_argument("no configuration"));
    return &*security_;
  }
  auto loaded = security::BusSecurity::load(c->options, key_);
  security_ =
      loaded.is_ok() ? std::move(loaded).value() : security::BusSecurity::broken(loaded.status());
  return &*security_;
}

void ShellContext::reload() {
  cluster_.reset();
  security_.reset();
  load_failed_ = false;
}

void ShellContext::warn(std::string_view message) {
  err_ << "Warning: " << message << '\n';
}

zmq::context_t& ShellContext::zmq() {
  if (!zmq_) zmq_ = std::make_unique<zmq::context_t>(1);
  return *zmq_;
}

int ShellContext::fail(std::string_view message) {
  err_ << "Error: " << message << '\n';
  return 1;
}

}  // namespace bc::shell
