#pragma once
// The conn.log record of a finished flow. Internal to the engine.

#include "node/engine/flow.h"
#include "node/engine/log_record.h"
#include "node/engine/settings.h"

namespace bc::node {

LogRecord make_conn_record(Flow& flow, const EngineSettings& settings);

}  // namespace bc::node
