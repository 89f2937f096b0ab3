#include "node/process/node_settings.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "common/file_util.h"
#include "common/strings.h"
#include "node/engine/engine.h"

namespace bc::node {
namespace {

using script::Type;
using script::Value;

std::string describe(const Value& v) {
  return script::type_name(v.type(), v.element_type());
}

// Reads one knob when the scripts declare it; a declared knob of another type is an error
// (a site script that redeclares it wrongly), an undeclared one keeps the engine default.
class KnobReader {
 public:
  explicit KnobReader(const script::Globals& globals) : globals_(globals) {}

  void read(const char* id, Type type, Type element, const std::function<void(const Value&)>& fn) {
    const Value* v = globals_.find(id);
    if (v == nullptr) return;
    if (v->type() != type || (type == Type::kSet && v->element_type() != element)) {
      errors_.push_back(std::string(id) + " is " + describe(*v) + ", expected " +
                        script::type_name(type, element));
      return;
    }
    fn(*v);
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  const script::Globals& globals_;
  std::vector<std::string> errors_;
};

std::vector<Subnet> subnets_of(const Value& set, std::vector<std::string>& errors) {
  std::vector<Subnet> out;
  for (const Value& e : set.as_set()) {
    Result<Subnet> s = Subnet::parse(e.as_subnet());
    if (s) {
      out.push_back(*s);
    } else {
      errors.push_back(s.status().message());
    }
  }
  return out;
}

std::string proto_name(script::Port::Proto p) {
  switch (p) {
    case script::Port::kTcp:
      return "tcp";
    case script::Port::kUdp:
      return "udp";
    case script::Port::kIcmp:
      return "icmp";
    case script::Port::kUnknown:
      break;
  }
  return "unknown";
}

std::vector<std::string> loaded_types(const script::Globals& globals) {
  std::vector<std::string> out;
  const Value* v = globals.find("Analysis::loaded");
  if (v == nullptr || v->type() != Type::kSet || v->element_type() != Type::kString) return out;
  for (const Value& e : v->as_set())
    out.push_back(e.as_string());
  return out;
}

bool enabled_in_dat(const std::vector<config::AnalysisType>& dat, const std::string& type) {
  for (const auto& a : dat) {
    if (a.name == type) return a.enabled;
  }
  return true;
}

// The script that put `type` into Analysis::loaded: the Globals keep values, not their
// origin, so look for the redef line in the loaded files (then a file named after it).
std::string origin_of(const script::Program& program, const std::string& type) {
  const std::string quoted = "\"" + type + "\"";
  for (const std::string& file : program.files) {
    Result<std::string> text = read_file(file, 1 << 20);
    if (!text) continue;
    for (const std::string& line : split_trimmed(*text, "\n")) {
      if (line.find("Analysis::loaded") != std::string::npos &&
          line.find(quoted) != std::string::npos && line.rfind('#', 0) != 0) {
        return file;
      }
    }
  }
  for (const std::string& file : program.files) {
    if (std::filesystem::path(file).stem() == type) return file;
  }
  return "the loaded scripts";
}

}  // namespace

std::vector<std::string> unsupported_analyses(const SettingsInput& input) {
  std::vector<std::string> problems;
  const std::vector<std::string> supported = supported_analyses();
  for (const std::string& type : loaded_types(input.program->globals)) {
    if (std::find(supported.begin(), supported.end(), type) != supported.end()) continue;
    if (!enabled_in_dat(input.analysis, type)) continue;
    problems.push_back(origin_of(*input.program, type) + ": analysis type '" + type +
                       "' is not supported by brocluster-node (it does: " + join(supported, ", ") +
                       "); remove the @load or switch it off in analysis.dat");
  }
  return problems;
}

Result<EngineSettings> build_settings(const SettingsInput& input) {
  EngineSettings s;
  const script::Globals& g = input.program->globals;
  KnobReader r(g);
  std::vector<std::string> errors;
  r.read("Conn::tcp_inactivity_timeout", Type::kInterval, Type::kInterval,
         [&](const Value& v) { s.tcp_inactivity_timeout = v.as_interval(); });
  r.read("Conn::udp_inactivity_timeout", Type::kInterval, Type::kInterval,
         [&](const Value& v) { s.udp_inactivity_timeout = v.as_interval(); });
  r.read("Conn::icmp_inactivity_timeout", Type::kInterval, Type::kInterval,
         [&](const Value& v) { s.icmp_inactivity_timeout = v.as_interval(); });
  r.read("Scan::addr_scan_threshold", Type::kCount, Type::kCount,
         [&](const Value& v) { s.addr_scan_threshold = v.as_count(); });
  r.read("Scan::port_scan_threshold", Type::kCount, Type::kCount,
         [&](const Value& v) { s.port_scan_threshold = v.as_count(); });
  r.read("Scan::scan_interval", Type::kInterval, Type::kInterval,
         [&](const Value& v) { s.scan_interval = v.as_interval(); });
  r.read("Scan::skip_scan_ports", Type::kSet, Type::kPort, [&](const Value& v) {
    s.skip_scan_ports.clear();
    for (const Value& e : v.as_set()) {
      s.skip_scan_ports.insert(PortSpec{e.as_port().number, proto_name(e.as_port().proto)});
    }
  });
  r.read("Scan::skip_scan_sources", Type::kSet, Type::kSubnet,
         [&](const Value& v) { s.skip_scan_sources = subnets_of(v, errors); });
  r.read("HTTP::max_body_bytes", Type::kCount, Type::kCount,
         [&](const Value& v) { s.http_max_body_bytes = v.as_count(); });
  r.read("HTTP::log_headers", Type::kSet, Type::kString, [&](const Value& v) {
    s.http_log_headers.clear();
    for (const Value& e : v.as_set()) {
      std::string h = e.as_string();
      std::transform(h.begin(), h.end(), h.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      s.http_log_headers.insert(h);
    }
  });
  const auto strings_of = [](const Value& v) {
    std::set<std::string> out;
    for (const Value& e : v.as_set())
      out.insert(e.as_string());
    return out;
  };
  r.read("Notice::emailed_types", Type::kSet, Type::kString,
         [&](const Value& v) { s.notice_emailed_types = strings_of(v); });
  r.read("Notice::alarmed_types", Type::kSet, Type::kString,
         [&](const Value& v) { s.notice_alarmed_types = strings_of(v); });
  r.read("Site::local_nets", Type::kSet, Type::kSubnet,
         [&](const Value& v) { s.local_nets = subnets_of(v, errors); });
  if (s.local_nets.empty()) {
    for (const config::Network& n : input.networks) {
      if (Result<Subnet> sn = Subnet::parse(n.cidr)) s.local_nets.push_back(*sn);
    }
  }
  errors.insert(errors.end(), r.errors().begin(), r.errors().end());
  std::vector<std::string> unsupported = unsupported_analyses(input);
  errors.insert(errors.end(), unsupported.begin(), unsupported.end());
  if (!errors.empty()) return Status::invalid_argument(join(errors, "\n"));
  s.analyses.clear();
  for (const std::string& type : loaded_types(g)) {
    if (enabled_in_dat(input.analysis, type)) s.analyses.insert(type);
  }
  return s;
}

void fill_local_nets(script::Globals& globals, const std::vector<config::Network>& networks) {
  const Value* v = globals.find("Site::local_nets");
  if (v == nullptr || v->type() != Type::kSet || !v->as_set().empty()) return;
  std::vector<Value> nets;
  for (const config::Network& n : networks) {
    if (Result<Subnet> sn = Subnet::parse(n.cidr)) nets.push_back(Value::subnet(sn->to_string()));
  }
  (void)globals.assign("Site::local_nets", Value::set(Type::kSubnet, std::move(nets)));
}

}  // namespace bc::node
