#include "supervisor/zeek_control.h"

#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <vector>

#include "common/strings.h"
#include "messages/json_writer.h"
#include "net/websocket_client.h"

namespace bc::sup {
namespace {

// Zeek's answers are one short line per peer at most; a megabyte is plenty.
constexpr std::size_t kMaxAnswerBytes = 1024 * 1024;

struct Command {
  std::string_view cmd;
  std::string_view request_event;   // ours, carrying the reply topic
  std::string_view response_event;  // the Control framework's
};

constexpr Command kCommands[] = {
    {"print", "BroCluster::id_value_request", "Control::id_value_response"},
    {"netstats", "BroCluster::net_stats_request", "Control::net_stats_response"},
    {"peerstatus", "BroCluster::peer_status_request", "Control::peer_status_response"},
};

const Command* find_command(const std::string& cmd) {
  for (const Command& c : kCommands) {
    if (c.cmd == cmd) return &c;
  }
  return nullptr;
}

void typed(msg::JsonWriter& w, std::string_view type, std::string_view text) {
  w.begin_object();
  w.key("@data-type");
  w.string_value(type);
  w.key("data");
  w.string_value(text);
  w.end_object();
}

void typed_count(msg::JsonWriter& w, std::uint64_t n) {
  w.begin_object();
  w.key("@data-type");
  w.string_value("count");
  w.key("data");
  w.uint_value(n);
  w.end_object();
}

// The event's arguments, each a string ({"@data-type":"string","data":...}).
Result<std::vector<std::string>> string_args(const msg::Json& message, std::string_view event) {
  // data = [format version 1, 1, [name, [args...], (metadata)]]: websocket-api.rst.
  const msg::Json& body = message["data"][2];
  if (message["@data-type"].str() != "vector" || body["@data-type"].str() != "vector") {
    return Status::bad_message("answer is not an encoded event");
  }
  const std::string name = body["data"][0]["data"].str();
  if (name != event) {
    return Status::bad_message("answer is event '" + printable(name) + "', expected " +
                               std::string(event));
  }
  std::vector<std::string> out;
  for (const msg::Json& arg : body["data"][1]["data"].array()) {
    if (arg["@data-type"].str() != "string" || !arg["data"].is_string()) {
      return Status::bad_message("argument of " + std::string(event) + " is not a string");
    }
    out.push_back(arg["data"].str());
  }
  return out;
}

// The words of one line "<ts> k=v k=v ..." as a map; `ts` is the first word.
std::map<std::string, std::string> line_fields(std::string_view line) {
  std::map<std::string, std::string> fields;
  bool first = true;
  for (const std::string& word : split_trimmed(line, " \t")) {
    if (first) {
      fields["ts"] = word;
      first = false;
      continue;
    }
    const auto eq = word.find('=');
    if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return fields;
}

Result<std::uint64_t> counter(const std::map<std::string, std::string>& fields,
                              const std::string& key) {
  const auto it = fields.find(key);
  std::uint64_t n = 0;
  if (it == fields.end() || std::sscanf(it->second.c_str(), "%" SCNu64, &n) != 1) {
    return Status::bad_message("net stats answer without a number for '" + key + "'");
  }
  return n;
}

Result<msg::Value> netstats_result(const ZeekControlTarget& target, const std::string& text) {
  const auto fields = line_fields(text.substr(0, text.find('\n')));
  auto recvd = counter(fields, "recvd");
  auto dropped = counter(fields, "dropped");
  auto link = counter(fields, "link");
  if (!recvd.is_ok()) return recvd.status();
  if (!dropped.is_ok()) return dropped.status();
  if (!link.is_ok()) return link.status();
  msg::Value v = msg::Value::empty_map();
  v.set("node", target.node)
      .set("capturing", true)
      .set("received", *recvd)
      .set("dropped", *dropped)
      .set("link", *link);
  return v;
}

msg::Value peerstatus_result(const ZeekControlTarget& target, const std::string& text) {
  msg::Value peers = msg::Value::empty_array();
  for (const std::string& line : split_trimmed(text, "\n")) {
    const auto fields = line_fields(line);
    msg::Value p = msg::Value::empty_map();
    auto field = [&fields](const char* key) {
      const auto it = fields.find(key);
      return it == fields.end() ? std::string("?") : it->second;
    };
    p.set("node", field("peer"))
        .set("role", "zeek peer")
        .set("endpoint", field("host"))
        .set("state", field("status"));
    peers.push_back(std::move(p));
  }
  msg::Value v = msg::Value::empty_map();
  v.set("node", target.node).set("peers", std::move(peers));
  return v;
}

std::string random_hex() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    bits = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, bits);
  return buf;
}

// A host name as a topic segment: the characters Zeek's topics and our messages like.
std::string topic_segment(const std::string& text) {
  std::string out;
  for (char c : text)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

}  // namespace

bool zeek_answers(const std::string& cmd) {
  return find_command(cmd) != nullptr;
}

std::string zeek_request_topic(const std::string& node_topic) {
  return std::string(kZeekRequestTopicPrefix) + node_topic + "/";
}

Result<std::string> zeek_request_message(const std::string& cmd, const msg::Value& args,
                                         const ZeekControlTarget& target,
                                         const std::string& reply_topic) {
  const Command* c = find_command(cmd);
  if (c == nullptr) return Status::unsupported("'" + printable(cmd) + "' is not asked of Zeek");
  std::string id;
  if (cmd == "print") {
    auto given = args.get_string("id");
    if (!given.is_ok() || given->empty()) return Status::invalid_argument("print needs an id");
    id = *given;
  }
  // {"type":"data-message","topic":T,"@data-type":"vector","data":[1,1,[name,[args]]]},
  // every value typed; the format zeekctl sends (docs/ZEEK.md).
  msg::JsonWriter w;
  w.begin_object();
  w.key("type");
  w.string_value("data-message");
  w.key("topic");
  w.string_value(zeek_request_topic(target.node_topic));
  w.key("@data-type");
  w.string_value("vector");
  w.key("data");
  w.begin_array();
  typed_count(w, 1);
  typed_count(w, 1);
  w.begin_object();
  w.key("@data-type");
  w.string_value("vector");
  w.key("data");
  w.begin_array();
  typed(w, "string", c->request_event);
  w.begin_object();
  w.key("@data-type");
  w.string_value("vector");
  w.key("data");
  w.begin_array();
  typed(w, "string", reply_topic);
  if (cmd == "print") typed(w, "string", id);
  w.end_array();
  w.end_object();
  w.end_array();
  w.end_object();
  w.end_array();
  w.end_object();
  return w.take();
}

Status zeek_check_ack(const msg::Json& message) {
  const std::string type = message["type"].str();
  if (type == "ack") return Status::ok();
  if (type == "error") {
    return Status::bad_message(
        "Zeek refused the subscription: " + printable(message["code"].str()) + ": " +
        printable(message["context"].str()));
  }
  return Status::bad_message("Zeek's first answer is not an ack (type '" + printable(type) + "')");
}

Result<msg::Value> zeek_result(const std::string& cmd, const msg::Value& args,
                               const ZeekControlTarget& target, const msg::Json& message) {
  const Command* c = find_command(cmd);
  if (c == nullptr) return Status::unsupported("'" + printable(cmd) + "' is not asked of Zeek");
  auto values = string_args(message, c->response_event);
  if (!values.is_ok()) return values.status();
  const std::size_t want = cmd == "print" ? 2 : 1;
  if (values->size() != want) {
    return Status::bad_message(std::string(c->response_event) + " with " +
                               std::to_string(values->size()) + " arguments, expected " +
                               std::to_string(want));
  }
  if (cmd == "netstats") return netstats_result(target, values->front());
  if (cmd == "peerstatus") return peerstatus_result(target, values->front());
  const std::string id = args.get_string("id").value_or("");
  if ((*values)[0] != id) {
    return Status::bad_message("answer for id '" + printable((*values)[0]) + "', asked for '" +
                               printable(id) + "'");
  }
  // Zeek's fmt("%s", lookup_ID(id)) of an id it does not know.
  if ((*values)[1] == "<unknown id>") return Status::not_found("unknown identifier '" + id + "'");
  msg::Value v = msg::Value::empty_map();
  v.set("id", id).set("value", (*values)[1]);
  return v;
}

Result<msg::Value> ask_zeek(const ZeekControlTarget& target, const std::string& cmd,
                            const msg::Value& args, const std::string& reply_topic,
                            std::chrono::steady_clock::time_point deadline) {
  auto request = zeek_request_message(cmd, args, target, reply_topic);
  if (!request.is_ok()) return request.status();
  net::WebSocketClient::Options options;
  options.address = target.address;
  options.port = target.port;
  options.path = "/v1/messages/json";
  options.headers = {{"X-Application-Name", "brocluster-supervisor"}};
  options.max_message = kMaxAnswerBytes;
  auto client = net::WebSocketClient::connect(options, deadline);
  if (!client.is_ok()) return client.status();
  // The subscription first: exactly this request's reply topic.
  msg::JsonWriter topics;
  topics.begin_array();
  topics.string_value(reply_topic);
  topics.end_array();
  if (Status s = client->send_text(topics.str(), deadline); !s.is_ok()) return s;
  auto ack = client->receive_text(deadline);
  if (!ack.is_ok()) return ack.status();
  const auto ack_json = msg::Json::parse(*ack);
  if (!ack_json) return Status::bad_message("Zeek's answer to the subscription is not JSON");
  if (Status s = zeek_check_ack(*ack_json); !s.is_ok()) return s;
  if (Status s = client->send_text(*request, deadline); !s.is_ok()) return s;
  for (;;) {
    auto text = client->receive_text(deadline);
    if (!text.is_ok()) return text.status();
    const auto message = msg::Json::parse(*text);
    if (!message) return Status::bad_message("an answer from Zeek is not JSON");
    if ((*message)["type"].str() == "error") {
      return Status::bad_message("Zeek: " + printable((*message)["code"].str()) + ": " +
                                 printable((*message)["context"].str()));
    }
    if ((*message)["type"].str() != "data-message" || (*message)["topic"].str() != reply_topic) {
      continue;  // not our answer (we subscribed to nothing else, but stay safe)
    }
    auto result = zeek_result(cmd, args, target, *message);
    client->close(
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)));
    return result;
  }
}

// ---- ZeekControlProxy

struct ZeekControlProxy::Shared {
  std::mutex mutex;
  std::vector<std::pair<std::uint64_t, msg::Reply>> done;
  int event_fd = -1;
  ~Shared() {
    if (event_fd >= 0) ::close(event_fd);
  }
};

ZeekControlProxy::ZeekControlProxy(std::string host)
    : host_(std::move(host)), shared_(std::make_shared<Shared>()) {
  shared_->event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

ZeekControlProxy::~ZeekControlProxy() {
  // A conversation ends by its deadline; nobody waits for it at shutdown. The threads
  // own the shared state with us, so a late one writes into a live queue.
  for (auto& [key, entry] : responders_)
    entry.first.detach();
}

int ZeekControlProxy::fd() const {
  return shared_->event_fd;
}

std::string ZeekControlProxy::next_reply_topic() {
  return std::string(kZeekReplyTopicPrefix) + topic_segment(host_) + "/" +
         std::to_string(::getpid()) + "/" + std::to_string(next_key_) + "-" + random_hex() + "/";
}

Status ZeekControlProxy::start(const ZeekControlTarget& target, std::uint64_t client_id,
                               const std::string& cmd, const msg::Value& args, TimePoint deadline,
                               long timeout_ms, Responder respond) {
  if (shared_->event_fd < 0) return Status::internal("no eventfd for the Zeek control channel");
  if (responders_.size() >= kMaxInFlight) {
    return Status(ErrorCode::kBusy, "too many Zeek control requests in flight (" +
                                        std::to_string(kMaxInFlight) + "); try again");
  }
  if (find_command(cmd) == nullptr) {
    return Status::unsupported(target.node + ": '" + printable(cmd) +
                               "' is not supported for Zeek nodes (print, netstats, peerstatus "
                               "are)");
  }
  const std::uint64_t key = next_key_;
  const std::string reply_topic = next_reply_topic();
  ++next_key_;
  auto work = [shared = shared_, target, cmd, args, reply_topic, deadline, timeout_ms, key,
               client_id] {
    auto result = ask_zeek(target, cmd, args, reply_topic, deadline);
    msg::Reply reply;
    if (result.is_ok()) {
      reply = msg::make_ok(client_id, std::move(*result));
    } else if (result.status().code() == ErrorCode::kTimeout) {
      reply = msg::make_error(client_id, Status::timeout(target.node + " did not answer within " +
                                                         std::to_string(timeout_ms) + " ms (" +
                                                         result.status().message() + ")"));
    } else {
      reply = msg::make_error(client_id, Status(result.status().code(),
                                                target.node + ": " + result.status().message()));
    }
    const std::lock_guard lock(shared->mutex);
    shared->done.emplace_back(key, std::move(reply));
    const std::uint64_t one = 1;
    (void)::write(shared->event_fd, &one, sizeof one);
  };
  std::thread worker;
  try {
    worker = std::thread(std::move(work));
  } catch (const std::system_error& e) {
    return Status::io_error(target.node + ": cannot start the Zeek control request: " + e.what());
  }
  responders_.emplace(key, std::pair{std::move(worker), std::move(respond)});
  return Status::ok();
}

void ZeekControlProxy::on_readable() {
  std::uint64_t count = 0;
  (void)::read(shared_->event_fd, &count, sizeof count);
  std::vector<std::pair<std::uint64_t, msg::Reply>> done;
  {
    const std::lock_guard lock(shared_->mutex);
    done.swap(shared_->done);
  }
  for (auto& [key, reply] : done) {
    auto it = responders_.find(key);
    if (it == responders_.end()) continue;
    // The thread has handed over its reply; it ends right after.
    it->second.first.join();
    Responder respond = std::move(it->second.second);
    responders_.erase(it);
    respond(reply);
  }
}

}  // namespace bc::sup
