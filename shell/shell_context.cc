#include "shell/shell_context.h"

#include <ostream>
#include <sstream>

#include "messages/codec.h"
#include "messages/value.h"

namespace bc::shell {
namespace {

// What a failed command said on stderr, as one line: "Error: " prefixes and blank lines
// dropped, the rest joined with "; ".
std::string stderr_summary(const std::string& text) {
  std::string joined;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("Error: ", 0) == 0) line.erase(0, 7);
    if (line.empty()) continue;
    joined += (joined.empty() ? "" : "; ") + line;
  }
  return joined;
}

// Kept of stderr for the --json error document.
constexpr std::size_t kKeptErrorText = 4096;

}  // namespace

ShellContext::ShellContext(std::string base_dir, bool json, std::ostream& out, std::ostream& err)
    : base_dir_(std::move(base_dir)),
      json_(json),
      out_watch_(out.rdbuf(), 0),
      err_watch_(err.rdbuf(), kKeptErrorText),
      out_(&out_watch_),
      err_(&err_watch_) {}

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
    for (const auto& d : diags.items()) {
      if (d.severity == config::Severity::kError)
        errors_.emplace_back(ErrorCode::kParse, d.render());
    }
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
  return fail(Status(ErrorCode::kFailed, std::string(message)));
}

int ShellContext::fail(const Status& status) {
  err_ << "Error: " << status.message() << '\n';
  errors_.push_back(status);
  return 1;
}

void ShellContext::begin_command() {
  out_watch_.reset();
  err_watch_.reset();
  errors_.clear();
}

int ShellContext::capture_out(const std::function<int()>& command, std::string& captured) {
  std::ostringstream buffer;
  std::streambuf* previous = out_.rdbuf(buffer.rdbuf());
  int rc = 1;
  try {
    rc = command();
  } catch (...) {
    out_.rdbuf(previous);
    throw;
  }
  out_.rdbuf(previous);
  captured = buffer.str();
  return rc;
}

int ShellContext::finish_command(int rc) {
  if (!json_ || out_watch_.written() > 0) return rc;
  msg::Value doc = msg::Value::empty_map();
  if (rc == 0) {
    doc.set("ok", true);
  } else {
    // The first error names the code; the message has them all.
    ErrorCode code = errors_.empty() ? ErrorCode::kFailed : errors_.front().code();
    std::string message;
    for (const Status& e : errors_)
      message += (message.empty() ? "" : "; ") + e.message();
    if (message.empty()) message = stderr_summary(err_watch_.text());
    if (message.empty()) message = "failed (exit code " + std::to_string(rc) + ")";
    msg::Value error = msg::Value::empty_map();
    // The code by its name, as in the per-node errors of the other documents.
    error.set("code", std::string(error_code_name(code))).set("message", message);
    doc.set("ok", false).set("error", std::move(error)).set("exit_code", rc);
  }
  out_ << msg::to_json(doc) << '\n' << std::flush;
  return rc;
}

}  // namespace bc::shell
