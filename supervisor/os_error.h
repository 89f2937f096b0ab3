#pragma once
// Moved to common/os_error.h (the collector needs it too); these names keep the
// supervisor's code unchanged.

#include "common/os_error.h"

namespace bc::sup {

using bc::errno_text;
using bc::file_status;
using bc::io_status;
using bc::quoted;

}  // namespace bc::sup
