#pragma once
// etc/cluster.cfg: `Key = value` lines, `#` comments, case-insensitive keys, `${Option}`
// and `${Option:default}` interpolation. A ClusterConfig holds every option of the
// option table (defaults filled in) plus unknown keys read from the file, all resolved.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/diagnostics.h"

namespace bc::config {

class ClusterConfig {
 public:
  // Canonical name -> fully interpolated value. Known options use the table's spelling;
  // unknown keys keep the spelling of the file.
  const std::map<std::string, std::string>& values() const { return values_; }

  // Case-insensitive; empty string when absent.
  std::string get(std::string_view name) const;
  // Typed getters. REQUIRES: the option was validated as that type (parse does this for
  // every known option), so these never fail for table options.
  std::int64_t get_int(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  double get_double(std::string_view name) const;
  // A duration option given in seconds (CommTimeout, HeartbeatInterval, ...), rounded to
  // milliseconds; a negative value is 0. The one conversion the daemons and the shell use.
  std::chrono::milliseconds get_millis(std::string_view name) const;

  // Sets a resolved value (used by the loader and by tests).
  void set(std::string name, std::string value);

 private:
  std::map<std::string, std::string> values_;
  // Lower-case name -> its key in values_, so that a case-insensitive lookup is not a
  // scan: with a scan, a cluster.cfg of n keys took O(n^2) to read.
  std::map<std::string, std::string, std::less<>> keys_;
};

// `presets` are values that come from outside the file (BroBase from --base, ClusterCfg
// path); the file overrides them except where noted in docs/CONFIG.md. Errors and
// warnings go to `diags` naming `file` and the line; the returned config is complete
// (defaults everywhere) even when there were errors, so callers can still print it.
ClusterConfig parse_cluster_config(std::string_view text, const std::string& file,
                                   const std::map<std::string, std::string>& presets,
                                   Diagnostics& diags);

// Value syntax shared with node.cfg: "1/0, true/false, yes/no, on/off" (case-insensitive).
bool parse_bool(std::string_view text, bool* out);
bool parse_int(std::string_view text, std::int64_t* out);
bool parse_double(std::string_view text, double* out);

}  // namespace bc::config
