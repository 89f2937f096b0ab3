#include "config/node_selection.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "common/strings.h"

namespace bc::config {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Length of the run of digits (or of non-digits) starting at s[0].
std::size_t run_length(std::string_view s) {
  const bool digits = is_digit(s.front());
  std::size_t n = 1;
  while (n < s.size() && is_digit(s[n]) == digits)
    ++n;
  return n;
}

// Compares digit runs by value without converting (runs may exceed any integer type).
int compare_numbers(std::string_view a, std::string_view b) {
  a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
  b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

// Natural, case-insensitive order: worker-2 < worker-10.
int natural_compare(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const std::size_t la = run_length(a);
    const std::size_t lb = run_length(b);
    const std::string_view ra = a.substr(0, la);
    const std::string_view rb = b.substr(0, lb);
    int c = 0;
    if (is_digit(ra.front()) && is_digit(rb.front())) {
      c = compare_numbers(ra, rb);
    } else {
      const std::string xa = to_lower(ra);
      const std::string xb = to_lower(rb);
      c = xa < xb ? -1 : (xa == xb ? 0 : 1);
    }
    if (c != 0) return c;
    a.remove_prefix(la);
    b.remove_prefix(lb);
  }
  if (a.empty() != b.empty()) return a.empty() ? -1 : 1;
  return 0;
}

struct Group {
  bool all = false;  // every node, whatever its type
  NodeType type = NodeType::kWorker;
  bool contains(const NodeSpec& node) const { return all || node.type == type; }
};

// The group a word names, if any. Plural and singular forms are both accepted.
std::optional<Group> group_of(std::string_view word) {
  const std::string w = to_lower(word);
  if (w == "all") return Group{true};
  if (w == "manager" || w == "managers") return Group{false, NodeType::kManager};
  if (w == "proxy" || w == "proxies") return Group{false, NodeType::kProxy};
  if (w == "worker" || w == "workers") return Group{false, NodeType::kWorker};
  if (w == "logger" || w == "loggers") return Group{false, NodeType::kLogger};
  if (w == "standalone") return Group{false, NodeType::kStandalone};
  return std::nullopt;
}

// Indices of the nodes `arg` selects: a node name first (so a node called "proxy" is
// that node), then a group word, then an lb_procs group name.
std::vector<std::size_t> match(const std::vector<NodeSpec>& nodes, const std::string& arg) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (iequals(nodes[i].name, arg)) return {i};
  }
  const auto group = group_of(arg);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const bool in_group = group && group->contains(nodes[i]);
    if (in_group || (!group && iequals(nodes[i].lb_group, arg))) out.push_back(i);
  }
  return out;
}

}  // namespace

bool node_order_less(const NodeSpec& a, const NodeSpec& b) {
  if (a.type != b.type) return a.type < b.type;
  const int c = natural_compare(a.name, b.name);
  return c != 0 ? c < 0 : a.name < b.name;
}

Result<std::vector<NodeSpec>> select_nodes(const std::vector<NodeSpec>& nodes,
                                           const std::vector<std::string>& args) {
  std::vector<bool> chosen(nodes.size(), args.empty());
  for (const std::string& arg : args) {
    const std::vector<std::size_t> hits = match(nodes, arg);
    // A group word with no members (no loggers configured) selects nothing, quietly.
    if (hits.empty() && !group_of(arg))
      return Status::not_found("unknown node '" + printable(arg) + "'");
    for (std::size_t i : hits)
      chosen[i] = true;
  }
  std::vector<NodeSpec> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (chosen[i] && seen.insert(to_lower(nodes[i].name)).second) out.push_back(nodes[i]);
  }
  std::sort(out.begin(), out.end(), node_order_less);
  return out;
}

}  // namespace bc::config
