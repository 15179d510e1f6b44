// File: core/echoed_text.h
//
// echoed_text(): the part of a user's value that an error message repeats.
// A value may be huge (a config string read from a file, a fuzzer's input,
// a megabyte of /proc), and a message should stay one readable line, so
// every message that quotes a user's value or a file's contents quotes it
// through this one function: up to kMaxEchoedBytes bytes, then
// "... (N bytes)". The cut falls between UTF-8 characters, so a message
// Python shows stays decodable.
//
// Example:
//   absl::StrCat("unknown policy '", betapool::echoed_text(name), "'")
//   // "unknown policy 'pppp...pppp... (1048576 bytes)'"
//
// Thread safety: a pure function.
#ifndef BETAPOOL_CORE_ECHOED_TEXT_H_
#define BETAPOOL_CORE_ECHOED_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace betapool {

inline constexpr std::size_t kMaxEchoedBytes = 64;

inline std::string echoed_text(absl::string_view text) {
  if (text.size() <= kMaxEchoedBytes) return std::string(text);
  std::size_t cut = kMaxEchoedBytes;
  // Back off the continuation bytes (10xxxxxx) of a character cut in two.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(text.substr(0, cut), "... (", text.size(), " bytes)");
}

}  // namespace betapool

#endif  // BETAPOOL_CORE_ECHOED_TEXT_H_
