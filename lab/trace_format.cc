#include "lab/trace_format.h"

#include "absl/strings/str_format.h"

namespace betapool {

void write_trace(std::ostream& out, const TraceHeader& header,
                 const std::vector<TraceRow>& rows) {
  out << "# " << kTraceCpusKey << header.cpus << "\n";
  if (!header.profile.empty()) {
    out << "# " << kTraceProfileKey << header.profile << "\n";
  }
  if (header.clients > 0) out << "# " << kTraceClientsKey << header.clients << "\n";
  for (const std::string& note : header.notes) out << "# " << note << "\n";
  out << kTraceColumns << "\n";
  for (const TraceRow& r : rows) {
    out << absl::StrFormat("%.6f,%.6f,%.6f,%.6f,%.6f\n", r.arrival_s, r.cpu_s,
                           r.lock_held_s, r.lock_wait_s, r.other_wait_s);
  }
}

}  // namespace betapool
