// File: lab/sim/ab_decisions.cc
#include "lab/sim/ab_decisions.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lab/record_writer.h"

namespace betapool {
namespace {

// A label such as "static 8" or "trace:rag" as part of a file name.
std::string file_part(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '_') {
      c = '_';
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> write_decision_files(
    const AbTable& table, const std::string& dir) {
  std::vector<std::string> paths;
  for (const AbRow& row : table.rows) {
    for (const SimResult& run : row.runs) {
      std::string path =
          absl::StrCat(dir, "/", file_part(table.scenario), "_",
                       file_part(row.label), "_seed", run.seed, "_decisions.csv");
      if (absl::Status s = write_records(path, RecordFormat::kCsv, run.ticks);
          !s.ok()) {
        return s;
      }
      paths.push_back(std::move(path));
    }
  }
  return paths;
}

}  // namespace betapool
