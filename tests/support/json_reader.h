#pragma once
// The tests read the shell's `--json` output and `tap --json` lines with the messages
// module's JSON reader.

#include "messages/json_reader.h"

namespace bc::test {
using msg::Json;
}  // namespace bc::test
