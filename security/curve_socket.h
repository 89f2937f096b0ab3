#pragma once
// CURVE on one socket: the server side (our secret key, a ZAP domain, the handler must
// exist) and the client side (our key pair and the server's public key), set between
// creating a socket (net::make_socket) and binding or connecting it. And the key a
// request came with, as the ZAP handler named it.

#include <optional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "security/key_pair.h"

namespace bc::security {

// ZAP domains, one per kind of server socket (zap_handler.h says who may connect).
inline constexpr std::string_view kDomainSupervisor = "supervisor";
inline constexpr std::string_view kDomainCollector = "collector";
inline constexpr std::string_view kDomainBusIn = "bus-in";
inline constexpr std::string_view kDomainBusOut = "bus-out";
inline constexpr std::string_view kDomainNode = "node";

void make_curve_server(zmq::socket_t& socket, const KeyPair& own, std::string_view domain);
void make_curve_client(zmq::socket_t& socket, const KeyPair& own,
                       const std::string& server_public_z85);

// The public key (Z85) of the client that sent `frame`, from the User-Id the ZAP handler
// set; nullopt on a socket without CURVE.
std::optional<std::string> sender_key(const zmq::message_t& frame);

}  // namespace bc::security
