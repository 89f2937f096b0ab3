#pragma once
// Installing a bundle without the bus: the same staging, verification and atomic switch
// as InstallReceiver, with the bytes read straight from the bundle's sources. A
// supervisor that has never had an install uses it to snapshot its local files.

#include <string>

#include "common/status.h"
#include "install/bundle_builder.h"

namespace bc::install {

// Installs `bundle` under `installed_root` (created if needed) and makes it current.
// OK without doing anything when it is current already.
Status install_local(const Bundle& bundle, const std::string& installed_root);

}  // namespace bc::install
