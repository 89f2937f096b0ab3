#pragma once
// A small MIME sniffer for the http-body analysis: magic numbers of common formats, else
// text/plain for printable text, else application/octet-stream. Pure.

#include <string>
#include <string_view>

namespace bc::node {

std::string sniff_mime(std::string_view first_bytes);

}  // namespace bc::node
