#include "collectors/record_fields.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace betapool::internal {
namespace {

template <class N>
void append_number(std::string& out, N v) {
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not
// one (overlong forms, surrogates and code points above U+10FFFF are
// invalid, as RFC 3629 says).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned char>(s[k]);
  };
  const unsigned char b0 = byte(i);
  std::size_t n;
  uint32_t cp;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

}  // namespace

void append_csv_value(std::string& out, double v) {
  if (std::isnan(v)) return;  // unavailable: an empty cell
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  append_number(out, v);
}

void append_csv_value(std::string& out, bool v) {
  out += v ? "true" : "false";
}

void append_csv_value(std::string& out, long long v) { append_number(out, v); }

void append_csv_value(std::string& out, unsigned long long v) {
  append_number(out, v);
}

void append_csv_value(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_value(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  append_number(out, v);
}

void append_json_value(std::string& out, bool v) {
  out += v ? "true" : "false";
}

void append_json_value(std::string& out, long long v) {
  append_number(out, v);
}

void append_json_value(std::string& out, unsigned long long v) {
  append_number(out, v);
}

void append_json_value(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < v.size();) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(v, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(v.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

}  // namespace betapool::internal
