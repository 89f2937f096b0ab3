// libFuzzer target: install bundles (install/). The first input byte picks the mode:
//   0 a MANIFEST file's text (parse_manifest_text)
//   1 one bundle path (validate_bundle_path)
//   2 whole installs through InstallReceiver into a fresh directory. The rest of the input
//     describes up to two bundles, separated by an empty line; each line is one file,
//     "<path>\t<content>", a leading '!' making it 0755. Bits of the first byte plant
//     hostile symlinks before the install (0x10: the staging dir, 0x20: `current`) and
//     split each file into two chunks (0x40).
//   3 hostile request args: the rest is a msgpack Value, sent as begin, chunk and commit
//     args (the chunk and commit while a fixed bundle's install is in progress).
// After every install the target checks what the receiver promises: nothing was written
// outside its root, and a committed version holds exactly the bundle's bytes. A crash,
// a sanitizer report or abort() is a finding.

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "install/bundle_path.h"
#include "install/install_receiver.h"
#include "install/manifest.h"
#include "install/sha256.h"
#include "install/wire.h"
#include "messages/codec.h"

namespace {

namespace fs = std::filesystem;
using namespace bc::install;
using bc::Result;
using bc::Status;
using bc::msg::Value;

void check(bool ok) {
  if (!ok) std::abort();
}

// <top>/a/b/c/d/installed is the receiver's root and <top>/a/b/c/outside a directory
// next to it: a write that escapes the root by up to four levels lands somewhere
// check_contained() sees.
struct Sandbox {
  std::string top;
  std::string root;
  std::string outside;
  ~Sandbox() {  // when the fuzzer exits
    std::error_code ec;
    fs::remove_all(top, ec);
  }
};

const Sandbox& sandbox() {
  static const Sandbox box = [] {
    std::string tmpl = (fs::temp_directory_path() / "bc_fuzz_install_XXXXXX").string();
    check(mkdtemp(tmpl.data()) != nullptr);
    return Sandbox{tmpl, tmpl + "/a/b/c/d/installed", tmpl + "/a/b/c/outside"};
  }();
  return box;
}

void reset_sandbox() {
  const Sandbox& box = sandbox();
  std::error_code ec;
  fs::remove_all(box.top + "/a", ec);
  fs::create_directories(box.outside);
  fs::create_directories(box.root);
}

std::vector<std::string> list(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Only the chain of sandbox directories exists outside the root, and the root holds
// versions, staging dirs and `current` (a symlink to a bare version name) only.
void check_contained() {
  const Sandbox& box = sandbox();
  check(list(box.top) == std::vector<std::string>{"a"});
  check(list(box.top + "/a") == std::vector<std::string>{"b"});
  check(list(box.top + "/a/b") == std::vector<std::string>{"c"});
  check((list(box.top + "/a/b/c") == std::vector<std::string>{"d", "outside"}));
  check(list(box.top + "/a/b/c/d") == std::vector<std::string>{"installed"});
  check(list(box.outside).empty());
  for (const std::string& name : list(box.root)) {
    const fs::path p = fs::path(box.root) / name;
    if (fs::is_symlink(p)) {
      // A hostile link planted by install_one (0x10, 0x20) that no install replaced, or
      // `current` (or its temporary name) pointing at a bare version name.
      const std::string target = fs::read_symlink(p).string();
      if (target == "../../outside") continue;
      check(name == "current" || name.rfind(".current", 0) == 0);
      check(target.find('/') == std::string::npos);
      continue;
    }
    // Anything inside a version or staging dir: no symlinks, nothing but dirs and files.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(p, ec); it != fs::end(it); it.increment(ec)) {
      check(!it->is_symlink());
      check(it->is_directory() || it->is_regular_file());
    }
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using Contents = std::map<std::string, std::string>;

// Builds a manifest the way a sender would (sorted, hashed, versioned) but without
// validating it: rejecting it is the receiver's job.
Manifest forge(const std::vector<std::pair<FileEntry, std::string>>& files) {
  Manifest m;
  for (const auto& [f, content] : files)
    m.files.push_back(f);
  std::sort(m.files.begin(), m.files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  m.version = sha256_hex(manifest_text(m.files));
  return m;
}

std::vector<std::pair<FileEntry, std::string>> parse_bundle(std::string_view text) {
  std::vector<std::pair<FileEntry, std::string>> files;
  while (!text.empty() && files.size() < 64) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    FileEntry f;
    if (!line.empty() && line.front() == '!') {
      f.mode = 0755;
      line.remove_prefix(1);
    }
    const std::size_t tab = line.find('\t');
    f.path = std::string(line.substr(0, tab));
    const std::string content(tab == std::string_view::npos ? "" : line.substr(tab + 1));
    f.size = content.size();
    f.sha256 = sha256_hex(content);
    files.emplace_back(std::move(f), content);
  }
  return files;
}

void install_one(InstallReceiver& receiver, std::string_view text, unsigned flags) {
  const auto files = parse_bundle(text);
  const Manifest m = forge(files);
  const Sandbox& box = sandbox();
  std::error_code ec;
  if (flags & 0x10) {
    fs::create_directory_symlink("../../outside", box.root + "/.staging-" + m.version, ec);
  }
  if (flags & 0x20) {
    fs::remove(box.root + "/current", ec);
    fs::create_directory_symlink("../../outside", box.root + "/current", ec);
  }
  const bool valid = validate_manifest(m).is_ok();
  Result<Value> begun = receiver.begin(begin_args(m));
  if (!valid) check(!begun.is_ok());
  if (!begun) return;
  Result<BeginReply> reply = parse_begin_reply(*begun);
  check(reply.is_ok());
  if (reply->already_installed) return;
  Contents want;
  for (const auto& [f, content] : files)
    want[f.path] = content;
  for (const std::string& path : reply->need) {
    check(want.count(path) == 1);
    const std::string& content = want[path];
    const std::size_t half = (flags & 0x40) ? content.size() / 2 : 0;
    if (half > 0)
      check(receiver.chunk(chunk_args(m.version, path, 0, content.substr(0, half))).is_ok());
    check(receiver.chunk(chunk_args(m.version, path, half, content.substr(half))).is_ok());
  }
  Result<Value> committed = receiver.commit(commit_args(m.version));
  check(committed.is_ok());
  check(receiver.current_version() == m.version);
  for (const auto& [path, content] : want)
    check(slurp(box.root + "/current/" + path) == content);
}

void fuzz_installs(std::string_view text, unsigned flags) {
  reset_sandbox();
  {
    InstallReceiver receiver(sandbox().root);
    const std::size_t gap = text.find("\n\n");
    install_one(receiver, text.substr(0, gap), flags);
    if (gap != std::string_view::npos) install_one(receiver, text.substr(gap + 2), flags & ~0x30u);
  }
  check_contained();
}

void fuzz_args(std::string_view body) {
  Result<Value> args = bc::msg::decode_value(body);
  if (!args) return;
  (void)parse_begin_reply(*args);
  reset_sandbox();
  {
    InstallReceiver receiver(sandbox().root);
    (void)receiver.begin(*args);
    const Manifest fixed = forge({{{"etc/node.cfg", 0644, 3, sha256_hex("abc")}, "abc"},
                                  {{"policy/a.bro", 0755, 2, sha256_hex("xy")}, "xy"}});
    (void)receiver.begin(begin_args(fixed));
    (void)receiver.chunk(*args);
    (void)receiver.commit(*args);
  }
  check_contained();
}

void fuzz_path(std::string_view path) {
  if (!validate_bundle_path(path).is_ok()) return;
  // An accepted path stays under the directory it is resolved against.
  check(path.find('\0') == std::string_view::npos);
  const fs::path joined = (fs::path("/r/s") / fs::path(std::string(path))).lexically_normal();
  const std::string normal = joined.string();
  check(normal.rfind("/r/s/", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      Result<Manifest> m = parse_manifest_text(rest);
      if (m) {
        Result<Manifest> again = parse_manifest_text(manifest_text(m->files));
        check(again.is_ok() && again->files == m->files && again->version == m->version);
      }
      break;
    }
    case 1:
      fuzz_path(rest);
      break;
    case 2:
      fuzz_installs(rest, data[0]);
      break;
    default:
      fuzz_args(rest);
      break;
  }
  return 0;
}
