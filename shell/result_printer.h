#pragma once
// The one loop that prints what a fan-out returned (shell/host_calls.h per host,
// shell/node_control_calls.h per node, shell/lifecycle_ops.h per node of a stage): every item
// as text, or with --json one array of their entries, and the exit code 1 when an item is a
// failure. The fan-outs return typed items and print nothing; a command says how its items
// read, here, and nothing else about printing.

#include <functional>
#include <ostream>
#include <vector>

#include "messages/codec.h"
#include "messages/value.h"
#include "shell/shell_context.h"

namespace bc::shell {

template <class Item>
struct ResultPrinter {
  // The text of one item (its lines, or a row of the table `finish` prints); optional.
  std::function<void(std::ostream&, const Item&)> text;
  // Adds the item's entries to the --json array; optional (no entry).
  std::function<void(const Item&, msg::Value& array)> json;
  // True when the item is a failure (exit code 1); optional (none is).
  std::function<bool(const Item&)> failed;
  // The text after every item's (a table, a summary line); optional.
  std::function<void(std::ostream&)> finish;
  // The --json document from the array (default: the array itself); optional.
  std::function<msg::Value(msg::Value array)> document;
};

template <class Item>
int print_results(ShellContext& ctx, const std::vector<Item>& items,
                  const ResultPrinter<Item>& printer) {
  int rc = 0;
  msg::Value json = msg::Value::empty_array();
  for (const Item& item : items) {
    if (printer.failed && printer.failed(item)) rc = 1;
    if (ctx.json()) {
      if (printer.json) printer.json(item, json);
    } else if (printer.text) {
      printer.text(ctx.out(), item);
    }
  }
  if (ctx.json()) {
    ctx.out() << msg::to_json(printer.document ? printer.document(std::move(json)) : json) << '\n';
  } else if (printer.finish) {
    printer.finish(ctx.out());
  }
  return rc;
}

}  // namespace bc::shell
