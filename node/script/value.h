#pragma once
// A value of the policy-script language: one of the scalar types of Bro's script
// language that site policy needs, or a set of them. Values are immutable after
// construction; sets hold their elements deduplicated and sorted (see docs/SCRIPTS.md,
// "Values"), so two sets are equal exactly when they hold the same elements.
//
// Addresses and subnets are kept as their canonical text (inet_ntop form; a subnet's
// address masked to its prefix), because that is what every consumer wants to read.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bc::node::script {

enum class Type { kBool, kCount, kInt, kDouble, kInterval, kString, kAddr, kSubnet, kPort, kSet };

// "bool", "count", ..., "set" (without the element type; see type_name(Type, Type)).
std::string_view type_name(Type type);
// "set[port]" for sets, type_name(type) otherwise.
std::string type_name(Type type, Type element);

struct Port {
  enum Proto { kTcp, kUdp, kIcmp, kUnknown };
  std::uint16_t number = 0;
  Proto proto = kUnknown;
  bool operator==(const Port&) const = default;
};

class Value {
 public:
  // Factories. REQUIRES for addr/subnet: canonical text as made by parse_addr /
  // parse_subnet (literals.h); the factories do not re-validate.
  static Value boolean(bool v);
  static Value count(std::uint64_t v);
  static Value integer(std::int64_t v);
  static Value real(double v);
  static Value interval(double seconds);
  static Value string(std::string v);
  static Value addr(std::string canonical);
  static Value subnet(std::string canonical);
  static Value port(Port v);
  // Elements of other types than `element` are a caller bug (REQUIRES).
  static Value set(Type element, std::vector<Value> elements = {});

  Value() : Value(boolean(false)) {}

  Type type() const { return type_; }
  // For sets the type of the elements; equals type() for scalars.
  Type element_type() const { return element_; }

  // REQUIRES: type() is the matching type.
  bool as_bool() const;
  std::uint64_t as_count() const;
  std::int64_t as_int() const;
  double as_double() const;
  double as_interval() const;  // seconds
  const std::string& as_string() const;
  const std::string& as_addr() const;    // "10.1.2.3", "2001:db8::1"
  const std::string& as_subnet() const;  // "10.0.0.0/8"
  Port as_port() const;
  const std::vector<Value>& as_set() const;

  // REQUIRES: type() == kSet. False when `v` is of another type than the elements.
  bool contains(const Value& v) const;

  // As Bro's `print` shows the value: T/F, 25, -3, 1.5, 5.0 mins, 80/tcp, 10.0.0.0/8,
  // strings raw, sets as "{\n\t80/tcp,\n\t443/tcp\n}". Exact rules in docs/SCRIPTS.md.
  std::string print() const;

  bool operator==(const Value& other) const;

  // Total order within one type (numbers by value, addresses by family then bytes,
  // ports by number then protocol, strings bytewise); sets use it to sort.
  static int compare(const Value& a, const Value& b);

 private:
  using Storage = std::variant<bool, std::uint64_t, std::int64_t, double, std::string, Port,
                               std::vector<Value>>;
  Value(Type type, Type element, Storage storage)
      : type_(type), element_(element), storage_(std::move(storage)) {}

  Type type_;
  Type element_;
  Storage storage_;
};

}  // namespace bc::node::script
