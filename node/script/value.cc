#include "node/script/value.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "node/script/literals.h"

namespace bc::node::script {
namespace {

// Bro's ODesc::Add(double): fixed notation with up to 6 decimals (trailing zeros
// dropped), exponent notation above 2^31-1 (modp_dtoa), and ".0" appended to a whole
// number so that it reads as a double rather than a count.
std::string print_double(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  if (std::fabs(d) > 2147483647.0) {
    std::snprintf(buf, sizeof buf, "%e", d);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.6f", d);
  std::string s = buf;
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  if (std::fabs(d - std::nearbyint(d)) < 1e-9) s += ".0";
  return s;
}

// Bro's IntervalVal::ValDescribe: whole days, hrs, mins, secs, msecs from the largest
// down, the rest as (fractional) usecs; a unit is plural unless the number is ±1.
std::string print_interval(double v) {
  if (v == 0.0) return "0 secs";
  static constexpr std::array<std::pair<double, const char*>, 6> kUnits = {{
      {86400.0, "day"},
      {3600.0, "hr"},
      {60.0, "min"},
      {1.0, "sec"},
      {1e-3, "msec"},
      {1e-6, "usec"},
  }};
  std::string out;
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const auto [unit, word] = kUnits[i];
    double n = 0;
    if (i + 1 == kUnits.size()) {
      n = v / unit;
      // Residue of the subtractions above, not a real part of the value.
      if (std::fabs(n) < 1e-6) break;
    } else {
      n = static_cast<double>(static_cast<std::int64_t>(v / unit));
      if (n == 0) continue;
      v -= n * unit;
    }
    if (!out.empty()) out += ' ';
    out += print_double(n);
    out += ' ';
    out += word;
    if (n != 1.0 && n != -1.0) out += 's';
  }
  return out.empty() ? "0 secs" : out;
}

std::string print_string(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kBool:
      return "bool";
    case Type::kCount:
      return "count";
    case Type::kInt:
      return "int";
    case Type::kDouble:
      return "double";
    case Type::kInterval:
      return "interval";
    case Type::kString:
      return "string";
    case Type::kAddr:
      return "addr";
    case Type::kSubnet:
      return "subnet";
    case Type::kPort:
      return "port";
    case Type::kSet:
      break;
  }
  return "set";
}

std::string type_name(Type type, Type element) {
  if (type != Type::kSet) return std::string(type_name(type));
  return "set[" + std::string(type_name(element)) + "]";
}

Value Value::boolean(bool v) {
  return Value(Type::kBool, Type::kBool, v);
}
Value Value::count(std::uint64_t v) {
  return Value(Type::kCount, Type::kCount, v);
}
Value Value::integer(std::int64_t v) {
  return Value(Type::kInt, Type::kInt, v);
}
Value Value::real(double v) {
  return Value(Type::kDouble, Type::kDouble, v);
}
Value Value::interval(double seconds) {
  return Value(Type::kInterval, Type::kInterval, seconds);
}
Value Value::string(std::string v) {
  return Value(Type::kString, Type::kString, std::move(v));
}
Value Value::addr(std::string canonical) {
  return Value(Type::kAddr, Type::kAddr, std::move(canonical));
}
Value Value::subnet(std::string canonical) {
  return Value(Type::kSubnet, Type::kSubnet, std::move(canonical));
}
Value Value::port(Port v) {
  return Value(Type::kPort, Type::kPort, v);
}

Value Value::set(Type element, std::vector<Value> elements) {
  std::sort(elements.begin(), elements.end(),
            [](const Value& a, const Value& b) { return compare(a, b) < 0; });
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return Value(Type::kSet, element, std::move(elements));
}

bool Value::as_bool() const {
  return std::get<bool>(storage_);
}
std::uint64_t Value::as_count() const {
  return std::get<std::uint64_t>(storage_);
}
std::int64_t Value::as_int() const {
  return std::get<std::int64_t>(storage_);
}
double Value::as_double() const {
  return std::get<double>(storage_);
}
double Value::as_interval() const {
  return std::get<double>(storage_);
}
const std::string& Value::as_string() const {
  return std::get<std::string>(storage_);
}
const std::string& Value::as_addr() const {
  return std::get<std::string>(storage_);
}
const std::string& Value::as_subnet() const {
  return std::get<std::string>(storage_);
}
Port Value::as_port() const {
  return std::get<Port>(storage_);
}
const std::vector<Value>& Value::as_set() const {
  return std::get<std::vector<Value>>(storage_);
}

bool Value::contains(const Value& v) const {
  if (v.type() != element_) return false;
  const auto& elems = as_set();
  return std::binary_search(elems.begin(), elems.end(), v,
                            [](const Value& a, const Value& b) { return compare(a, b) < 0; });
}

std::string Value::print() const {
  switch (type_) {
    case Type::kBool:
      return as_bool() ? "T" : "F";
    case Type::kCount:
      return std::to_string(as_count());
    case Type::kInt:
      return std::to_string(as_int());
    case Type::kDouble:
      return print_double(as_double());
    case Type::kInterval:
      return print_interval(as_interval());
    case Type::kString:
      return print_string(as_string());
    case Type::kAddr:
    case Type::kSubnet:
      return std::get<std::string>(storage_);
    case Type::kPort:
      return std::to_string(as_port().number) + "/" + std::string(port_proto_name(as_port().proto));
    case Type::kSet:
      break;
  }
  std::string out = "{\n";
  const auto& elems = as_set();
  for (std::size_t i = 0; i < elems.size(); ++i) {
    out += '\t';
    out += elems[i].print();
    if (i + 1 < elems.size()) out += ',';
    out += '\n';
  }
  if (elems.empty()) out += '\n';
  return out + "}";
}

bool Value::operator==(const Value& other) const {
  return type_ == other.type_ && element_ == other.element_ && compare(*this, other) == 0;
}

int Value::compare(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return three_way(static_cast<int>(a.type_), static_cast<int>(b.type_));
  switch (a.type_) {
    case Type::kBool:
      return three_way(a.as_bool(), b.as_bool());
    case Type::kCount:
      return three_way(a.as_count(), b.as_count());
    case Type::kInt:
      return three_way(a.as_int(), b.as_int());
    case Type::kDouble:
    case Type::kInterval:
      return three_way(std::get<double>(a.storage_), std::get<double>(b.storage_));
    case Type::kString:
      return three_way(a.as_string(), b.as_string());
    case Type::kAddr:
      return compare_addr(a.as_addr(), b.as_addr());
    case Type::kSubnet:
      return compare_subnet(a.as_subnet(), b.as_subnet());
    case Type::kPort: {
      const Port pa = a.as_port(), pb = b.as_port();
      if (pa.number != pb.number) return three_way(pa.number, pb.number);
      return three_way(static_cast<int>(pa.proto), static_cast<int>(pb.proto));
    }
    case Type::kSet:
      break;
  }
  if (a.element_ != b.element_)
    return three_way(static_cast<int>(a.element_), static_cast<int>(b.element_));
  const auto& ea = a.as_set();
  const auto& eb = b.as_set();
  for (std::size_t i = 0; i < ea.size() && i < eb.size(); ++i) {
    if (const int c = compare(ea[i], eb[i]); c != 0) return c;
  }
  return three_way(ea.size(), eb.size());
}

}  // namespace bc::node::script
