// Why a transaction's duration changed: the change in mean duration per request decomposed
// along each request's critical path into span ops, span groups within them, and the time
// no span covers (or, where only Sentry's ops breakdown is known, into op families). Parts
// add up exactly to the change in mean duration of the requests compared, and along
// critical paths work that ran in parallel without delaying the response is not blamed.
// Each part has an interval from a bootstrap over requests (a request's whole breakdown
// resampled together). Pure: spans in, a decomposition out.
#ifndef PERFGATE_EXPLAIN_DECOMPOSE_H_
#define PERFGATE_EXPLAIN_DECOMPOSE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/enum_names.h"
#include "core/samples.h"
#include "stats/interval.h"

namespace perfgate::explain {

// The op of the transaction's own time on the critical path: time no child span covers
// (middleware, serialization, missing instrumentation).
inline constexpr std::string_view kUnattributed = "(unattributed)";

// The span groups seen in either release, each under its op. Ids are shared by both sides.
class PartTable {
 public:
  // The id of `op`'s group named `group`, made on first use.
  std::uint32_t GroupId(std::string_view op, std::string_view group);

  std::size_t Ops() const { return ops_.size(); }
  std::size_t Groups() const { return group_op_.size(); }
  const std::string& Op(std::size_t op) const { return ops_[op]; }
  std::size_t OpOf(std::size_t group) const { return group_op_[group]; }
  const std::string& GroupName(std::size_t group) const { return group_names_[group]; }

 private:
  std::vector<std::string> ops_;
  std::vector<std::size_t> group_op_;
  std::vector<std::string> group_names_;
  std::map<std::string, std::uint32_t, std::less<>> op_ids_;
  std::vector<std::map<std::string, std::uint32_t, std::less<>>> group_ids_;  // by op
};

// How a request's time was split into parts.
enum class Method {
  // Along the critical path of its span tree: parts are span groups, work in parallel that
  // did not delay the response is not counted, and the parts add up to the duration.
  kCriticalPath,
  // By Sentry's ops breakdown: parts are op families, each the wall-clock time its spans
  // cover, so families that ran in parallel are each counted in full; kUnattributed is the
  // rest of the duration, below 0 where families overlapped.
  kOpsBreakdown,
  // By span group from the source's aggregates (Sentry's spans dataset), for releases known
  // as histogram bins or aggregates rather than events: parts are span ops, each with its
  // groups, as summed self time per request over every request; spans that ran in parallel
  // are each counted in full, and kUnattributed is the rest of the mean duration (the
  // transaction's own time, groups beyond the largest, less any overlap). No intervals.
  kSpanGroups,
};
inline constexpr NameTable<Method, 3> kMethodNames = {{{Method::kCriticalPath, "critical_path"},
                                                       {Method::kOpsBreakdown, "ops_breakdown"},
                                                       {Method::kSpanGroups, "span_groups"}}};

// Each request's time by part, for the requests of one release that carry spans: along
// the critical path where they carry span trees, else by their ops breakdown. Request r's
// parts are groups/ms[offsets[r], offsets[r + 1]), one entry per group, ascending by group
// id; they add up to duration_ms[r].
struct Breakdowns {
  Method method = Method::kCriticalPath;
  std::vector<std::size_t> events;  // the request's index among its group's events
  std::vector<double> duration_ms;  // its root span's duration
  std::vector<std::size_t> offsets{0};
  std::vector<std::uint32_t> groups;
  std::vector<double> ms;

  std::size_t size() const { return events.size(); }
};

// The breakdowns of the events of `group` that carry span trees (spans named by
// SpanGroup); when none does, of those that carry an ops breakdown (each family an op of
// one group named "").
Breakdowns BreakDown(const GroupSamples& group, PartTable& parts);

// Whether a part is on the critical paths of both releases, and if so whether it changed.
enum class CauseStatus {
  kSlower,     // its interval lies above 0
  kFaster,     // below 0
  kUnchanged,  // the interval holds 0: no evidence either way
  kNew,        // on the candidate's critical paths only
  kVanished,   // on the baseline's only
  kUntested,   // known from aggregates only (Sentry's spans dataset): no interval
};
inline constexpr NameTable<CauseStatus, 6> kCauseStatusNames = {
    {{CauseStatus::kSlower, "slower"},
     {CauseStatus::kFaster, "faster"},
     {CauseStatus::kUnchanged, "unchanged"},
     {CauseStatus::kNew, "new"},
     {CauseStatus::kVanished, "vanished"},
     {CauseStatus::kUntested, "untested"}}};

// A span op, or one span group within it: its mean time per request on the critical path.
struct Cause {
  std::string op;           // Sentry's span.op, or kUnattributed
  std::string description;  // the span group; empty for a whole op
  double baseline_ms = 0;
  double candidate_ms = 0;
  double change_ms = 0;
  std::optional<stats::Interval> change_ci;  // nullopt for a part known from aggregates only
  double share = 0;  // of the change in mean duration; 0 when that change is 0
  CauseStatus status = CauseStatus::kUnchanged;
  std::vector<Cause> groups;  // an op's span groups, ranked as causes are
};

// How a decomposition's intervals are made.
struct IntervalOptions {
  double confidence = 0.95;
  int resamples = 1000;  // bootstrap resamples
  // Above this many requests on a side, the normal interval with the exact bootstrap
  // variance (what the bootstrap tends to at that size) instead of resampling.
  std::size_t bootstrap_limit = 5000;
  std::uint64_t seed = 1;
};

struct Decomposition {
  Method method = Method::kCriticalPath;
  std::size_t baseline_requests = 0;
  std::size_t candidate_requests = 0;
  double baseline_ms = 0;  // their mean duration: the sum of the causes' baseline_ms
  double candidate_ms = 0;
  // Of the change in mean duration; nullopt for a decomposition from aggregates only.
  std::optional<stats::Interval> change_ci;
  // The bootstrap resamples of the intervals; 0 for normal intervals (more requests on a
  // side than bootstrap_limit).
  int resamples = 0;
  std::vector<Cause> causes;  // ops, kUnattributed among them: the largest increase first
};

// The decomposition of the change in mean duration from the requests `base_rows` of
// `base` to the requests `cand_rows` of `cand` (indices into the breakdowns).
// REQUIRES: both row lists non-empty and valid; both breakdowns made with `parts` by one
// method.
Decomposition Decompose(const PartTable& parts, const Breakdowns& base,
                        std::span<const std::size_t> base_rows, const Breakdowns& cand,
                        std::span<const std::size_t> cand_rows, const IntervalOptions& options);

// Orders causes the largest increase first; ties by name, so the order never depends on
// the input's.
void RankCauses(std::vector<Cause>& causes);

// Every row of `breakdowns`: 0, 1, ..., size() - 1.
std::vector<std::size_t> AllRows(const Breakdowns& breakdowns);

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_DECOMPOSE_H_
