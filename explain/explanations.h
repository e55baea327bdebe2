// The explanations a run carries: for each transaction that did not pass on a duration
// rule (and whose releases both recorded spans), why: the change decomposed along the
// critical path or by Sentry's ops breakdown (for a percentile rule, the slow tail's change,
// and the mean's beside it), and exemplar traces to open. Reports render a result and its
// explanations together.
#ifndef PERFGATE_EXPLAIN_EXPLANATIONS_H_
#define PERFGATE_EXPLAIN_EXPLANATIONS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/samples.h"
#include "explain/decompose.h"
#include "gate/result.h"

namespace perfgate::explain {

// A span of an exemplar's trace, for a waterfall: its op and name, its times in ms from
// the start of the request, and its depth in the tree (0: the request itself).
struct ExemplarSpan {
  std::string op;
  std::string description;
  double start_ms = 0;
  double end_ms = 0;
  int depth = 0;
};

// An exemplar keeps at most this many spans of its tree for its waterfall.
inline constexpr std::size_t kExemplarSpans = 30;

// One request worth opening: its trace, its duration, where it sits in its release, and
// the ops it spent most of its critical path in.
struct Exemplar {
  std::string trace_id;
  std::string event_id;   // Sentry's transaction event id, where known
  bool baseline = false;  // a baseline request near the judged statistic, for comparison
  double duration_ms = 0;
  double percentile = 0;  // the share of its release's requests no slower than it, in %
  // Op and ms: the ops it spent most time in, by its release's method; along its own trace
  // tree's critical path once one is known (from_trace).
  std::vector<std::pair<std::string, double>> top_ops;
  bool from_trace = false;
  std::string url;  // empty when no trace link is known
  // Its span tree depth first, children by start time: the first kExemplarSpans spans, and
  // how many there were in all; empty where only an ops breakdown is known.
  std::vector<ExemplarSpan> spans;
  std::size_t span_count = 0;
};

struct Explanation {
  // The statistic explained: the duration rule that did not pass ("p95", "mean", ...).
  std::string statistic;
  // For a percentile, the requests at or above its value in each release (the slow
  // tail): where each tail starts. Nullopt when `judged` covers every request.
  std::optional<double> baseline_from_ms;
  std::optional<double> candidate_from_ms;
  Decomposition judged;               // the slow tail, or every request
  std::optional<Decomposition> mean;  // every request, beside a tail
  std::vector<Exemplar> exemplars;    // the slowest candidate requests, then one baseline
};

// By transaction name.
using Explanations = std::map<std::string, Explanation>;

// What every report renders: the verdicts and the explanations of what did not pass.
struct ExplainedResult {
  gate::EvaluationResult result;
  Explanations explanations;
};

struct ExplainOptions {
  // A link to one trace, "{trace_id}" replaced by its id (Sentry's trace view, Jaeger,
  // Tempo, ...). Empty: exemplars have no link.
  std::string trace_url;
  std::size_t exemplars = 3;  // candidate requests; one baseline request is added
  int resamples = 1000;       // bootstrap resamples of each part's interval
};

// The explanation of `group` from its two releases' samples; nullopt when a side has no
// spans, or the two are known differently (trees and a breakdown). Intervals at the
// result's confidence, seeded by its seed. Where a side is known as histogram bins or
// aggregates rather than events (Sentry's big releases), an explanation by span group
// (Method::kSpanGroups) of every request's mean, without causes until WithSentryDetails
// gives it Sentry's span groups.
std::optional<Explanation> Explain(const gate::EvaluationResult& result,
                                   const gate::GroupResult& group, const GroupSamples& baseline,
                                   const GroupSamples& candidate, const ExplainOptions& options);

// Explains every group of `result` with a duration rule that failed, warned or was
// inconclusive, where both sides carry spans or a side is known as bins or aggregates;
// groups in parallel.
Explanations ExplainNotPassed(const gate::EvaluationResult& result, const SampleSet& baseline,
                              const SampleSet& candidate, const ExplainOptions& options);

// The span groups (op and description) ranked in each op family of an ops-breakdown
// explanation, at most this many: the rest are in the family's total.
inline constexpr std::size_t kSpanGroupsPerFamily = 10;

// What Sentry can add to an explanation by its ops breakdown (a release fetched from
// Sentry knows op families, not spans): the transaction's span groups in each release, and
// the span tree of each exemplar, from Sentry's trace view.
struct SentryDetails {
  std::optional<SpanGroupTotals> baseline_groups;  // both, or neither, are used
  std::optional<SpanGroupTotals> candidate_groups;
  std::map<std::string, SpanTree> trees;  // by event id; an exemplar without one keeps its ops
};

// What to fetch for `why`: nothing unless it is by the ops breakdown or by span group; then
// the span groups and the tree of each exemplar.
struct DetailsWanted {
  bool span_groups = false;
  struct Trace {
    std::string trace_id;
    std::string event_id;
    bool baseline = false;  // of the baseline release, else the candidate's
  };
  std::vector<Trace> traces;
  bool Empty() const { return !span_groups && traces.empty(); }
};
DetailsWanted WantedDetails(const Explanation& why);

// `why` with `details`: the span groups ranked in each op family (at most
// kSpanGroupsPerFamily a family, the rest in its total), each release's self time per
// request (its summed self time over its transactions, from the spans dataset), under the
// decomposition of every request (`mean`, or `judged` when it covers every request: the
// aggregates are over every request, not a tail), without intervals (kUntested, or
// new/vanished); and each exemplar with a tree its top ops along the tree's critical path.
// An explanation by span group gets its causes: each span op and its groups (at most
// kSpanGroupsPerFamily, the rest in the op's total), self time per request on each side,
// and kUnattributed the rest of each side's mean duration; nullopt when a side's span
// groups are unknown or hold no transaction (it has nothing else to say).
std::optional<Explanation> WithSentryDetails(Explanation why, const SentryDetails& details);

// `url_template` with every "{trace_id}" replaced by `trace_id`; empty when the template is.
std::string TraceUrl(const std::string& url_template, const std::string& trace_id);

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_EXPLANATIONS_H_
