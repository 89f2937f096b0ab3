#pragma once
// The rendered identity of a connection that every log record of it repeats
// (uid and id.* columns). Internal to the engine.

#include <string>

namespace bc::node {

struct ConnId {
  std::string uid;
  std::string orig_h, orig_p, resp_h, resp_p;
  std::string proto;  // "tcp", "udp", "icmp"
};

}  // namespace bc::node
