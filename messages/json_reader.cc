#include "messages/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace bc::msg {

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  std::optional<Json> document() {
    Json j;
    if (!value(j)) return std::nullopt;
    skip_ws();
    if (i_ != s_.size()) return std::nullopt;
    return j;
  }

 private:
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool value(Json& out) {
    if (++depth_ > 64) return false;
    skip_ws();
    if (i_ >= s_.size()) return false;
    bool ok = false;
    const char c = s_[i_];
    if (c == '{') {
      ok = object(out);
    } else if (c == '[') {
      ok = array(out);
    } else if (c == '"') {
      std::string str;
      ok = string(str);
      out.v_ = std::move(str);
    } else if (literal("true")) {
      out.v_ = true, ok = true;
    } else if (literal("false")) {
      out.v_ = false, ok = true;
    } else if (literal("null")) {
      out.v_ = std::monostate{}, ok = true;
    } else {
      ok = number(out);
    }
    --depth_;
    return ok;
  }

  bool object(Json& out) {
    ++i_;
    Json::Object obj;
    if (!eat('}')) {
      do {
        std::string key;
        skip_ws();
        if (!string(key) || !eat(':')) return false;
        if (!value(obj[key])) return false;
      } while (eat(','));
      if (!eat('}')) return false;
    }
    out.v_ = std::move(obj);
    return true;
  }

  bool array(Json& out) {
    ++i_;
    Json::Array arr;
    if (!eat(']')) {
      do {
        arr.emplace_back();
        if (!value(arr.back())) return false;
      } while (eat(','));
      if (!eat(']')) return false;
    }
    out.v_ = std::move(arr);
    return true;
  }

  bool string(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      c = s_[i_++];
      switch (c) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          unsigned code = 0;
          if (!hex4(code)) return false;
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          out += c;
      }
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }

  // Four hex digits after "\u"; no exceptions on bad ones (std::stoul would throw).
  bool hex4(unsigned& code) {
    if (i_ + 4 > s_.size()) return false;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) return false;
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return true;
  }

  bool number(Json& out) {
    const std::string rest(s_.substr(i_, std::min<std::size_t>(64, s_.size() - i_)));
    char* end = nullptr;
    const double d = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) return false;
    i_ += static_cast<std::size_t>(end - rest.c_str());
    out.v_ = d;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

std::optional<Json> Json::parse(std::string_view text) {
  return JsonParser(text).document();
}

const Json& Json::operator[](const std::string& key) const {
  static const Json kNull;
  const auto* obj = std::get_if<Object>(&v_);
  if (obj == nullptr) return kNull;
  auto it = obj->find(key);
  return it == obj->end() ? kNull : it->second;
}

const Json& Json::operator[](std::size_t index) const {
  static const Json kNull;
  const auto* arr = std::get_if<Array>(&v_);
  return arr == nullptr || index >= arr->size() ? kNull : (*arr)[index];
}

std::size_t Json::size() const {
  if (const auto* arr = std::get_if<Array>(&v_)) return arr->size();
  if (const auto* obj = std::get_if<Object>(&v_)) return obj->size();
  return 0;
}

const Json::Array& Json::array() const {
  static const Array kEmpty;
  const auto* arr = std::get_if<Array>(&v_);
  return arr != nullptr ? *arr : kEmpty;
}

std::string Json::str() const {
  const auto* s = std::get_if<std::string>(&v_);
  return s != nullptr ? *s : std::string();
}

double Json::num() const {
  const auto* d = std::get_if<double>(&v_);
  return d != nullptr ? *d : 0;
}

bool Json::boolean() const {
  const auto* b = std::get_if<bool>(&v_);
  return b != nullptr && *b;
}

}  // namespace bc::msg
