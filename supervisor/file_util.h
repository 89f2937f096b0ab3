#pragma once
// Moved to common/file_util.h (the collector needs it too); these names keep the
// supervisor's code unchanged.

#include "common/file_util.h"

namespace bc::sup {

using bc::Durability;
using bc::ensure_dir;
using bc::read_file;
using bc::tail_file;
using bc::write_file_atomic;

}  // namespace bc::sup
