#include "node/script/loader.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/file_util.h"
#include "common/strings.h"
#include "node/script/evaluator.h"
#include "node/script/parser.h"

namespace bc::node::script {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNodeScripts = "<node scripts>";
constexpr int kMaxDepth = 64;  // @load chains longer than this are surely a mistake

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The spellings one name may stand for, in the order tried: "foo" is foo.bro, then a
// file named foo, then a directory foo with __load__.bro.
std::vector<fs::path> spellings(const std::string& name) {
  if (ends_with(name, ".bro")) return {name};
  return {name + ".bro", name, fs::path(name) / "__load__.bro"};
}

// The name the Prefixes rule extends: foo for foo.bro, dir for dir/__load__.bro.
std::string prefix_stem(const fs::path& file) {
  if (file.filename() == "__load__.bro") return file.parent_path().filename().string();
  return file.stem().string();
}

class Loader {
 public:
  Loader(const LoadOptions& options, std::vector<Diagnostic>& errors)
      : options_(options), errors_(errors), evaluator_(program_.globals, errors) {}

  // `from` is the file with the @load, empty for the node's own list.
  void load_name(const std::string& name, const std::string& from, Location at) {
    std::error_code ec;
    const fs::path base = from.empty() ? fs::current_path(ec) : fs::path(from).parent_path();
    if (std::optional<fs::path> path = resolve(name, base)) return load_file(*path, from, at, true);
    std::string where;
    if (is_relative_to_loader(name)) {
      where = "no such file in " + base.string();
    } else if (options_.search_path.empty()) {
      where = "the search path is empty";
    } else {
      where = "not found in " + join(options_.search_path, ":");
    }
    error(from, at, "cannot load '" + name + "': " + where);
    ++missing_;
  }

  Program finish() { return std::move(program_); }
  int missing() const { return missing_; }

 private:
  static bool is_relative_to_loader(const std::string& name) {
    return name.rfind("./", 0) == 0 || name.rfind("../", 0) == 0;
  }

  std::optional<fs::path> resolve(const std::string& name, const fs::path& base) const {
    std::vector<fs::path> dirs;
    if (fs::path(name).is_absolute()) {
      dirs.emplace_back();
    } else if (is_relative_to_loader(name)) {
      dirs.push_back(base);
    } else {
      for (const auto& d : options_.search_path)
        dirs.emplace_back(d);
    }
    for (const fs::path& dir : dirs) {
      for (const fs::path& spelling : spellings(name)) {
        const fs::path p = dir.empty() ? spelling : dir / spelling;
        if (is_file(p)) return p;
      }
    }
    return std::nullopt;
  }

  void load_file(const fs::path& path, const std::string& from, Location at, bool prefixes) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) canonical = path;
    const std::string file = canonical.string();
    if (!loaded_.insert(file).second) return;  // each file once, as in Bro
    if (depth_ >= kMaxDepth) {
      error(from, at,
            "cannot load '" + file + "': @load nesting deeper than " + std::to_string(kMaxDepth));
      return;
    }
    Result<std::string> text = read_file(file);
    if (!text) {
      error(from, at, "cannot read '" + file + "': " + text.status().message());
      return;
    }
    program_.files.push_back(file);
    ++depth_;
    const std::vector<Statement> statements = parse_script(*text, file, errors_);
    evaluator_.run(file, statements, [this](const std::string& loader, const Statement& load) {
      load_name(load.name, loader, load.at);
    });
    if (prefixes) load_prefixed(canonical, at);
    --depth_;
  }

  // Bro's Prefixes: after foo.bro, each <prefix>.foo.bro found on the search path.
  void load_prefixed(const fs::path& file, Location at) {
    const std::string stem = prefix_stem(file);
    for (const std::string& prefix : options_.prefixes) {
      for (const auto& dir : options_.search_path) {
        const fs::path p = fs::path(dir) / (prefix + "." + stem + ".bro");
        if (is_file(p)) {
          load_file(p, file.string(), at, false);
          break;
        }
      }
    }
  }

  void error(const std::string& from, Location at, std::string message) {
    if (from.empty()) {
      errors_.push_back({kNodeScripts, 0, 0, std::move(message)});
    } else {
      errors_.push_back({from, at.line, at.column, std::move(message)});
    }
  }

  const LoadOptions& options_;
  std::vector<Diagnostic>& errors_;
  Program program_;
  Evaluator evaluator_;
  std::set<std::string> loaded_;
  int depth_ = 0;
  int missing_ = 0;
};

}  // namespace

Result<Program> load_scripts(const std::vector<std::string>& names, const LoadOptions& options,
                             std::vector<Diagnostic>& errors) {
  const std::size_t before = errors.size();
  Loader loader(options, errors);
  for (const std::string& name : names)
    loader.load_name(name, "", {});
  const std::size_t found = errors.size() - before;
  if (found == 0) return loader.finish();
  std::string summary = errors[before].to_string();
  if (found > 1) summary += " (and " + std::to_string(found - 1) + " more errors)";
  if (static_cast<std::size_t>(loader.missing()) == found) return Status::not_found(summary);
  return Status::parse_error(summary);
}

LoadOptions load_options_for(const config::ClusterConfig& options) {
  LoadOptions out;
  std::vector<std::string> dirs = split_trimmed(options.get("SitePolicyPath"), ":");
  dirs.push_back(std::string(trim(options.get("PolicyDir"))));
  for (std::string& d : dirs) {
    if (d.empty()) continue;
    if (std::find(out.search_path.begin(), out.search_path.end(), d) == out.search_path.end())
      out.search_path.push_back(std::move(d));
  }
  out.prefixes = split_trimmed(options.get("Prefixes"), ": \t");
  return out;
}

}  // namespace bc::node::script
