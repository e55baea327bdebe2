// Why a transaction's mean duration changed: the change decomposed into span ops along each
// request's critical path, plus the time no span covers. Parts add up exactly to the change
// in mean duration of the requests with span trees, and work that ran in parallel without
// delaying the response is not blamed. Pure: samples in, a decomposition out.
#ifndef PERFGATE_EXPLAIN_DECOMPOSE_H_
#define PERFGATE_EXPLAIN_DECOMPOSE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/samples.h"

namespace perfgate::explain {

// The part for the transaction's own time on the critical path: time no child span covers
// (middleware, serialization, missing instrumentation).
inline constexpr std::string_view kUnattributed = "(unattributed)";

// One span op's share of the change, in ms per request on the critical path.
struct Part {
  std::string op;  // Sentry's span.op, or kUnattributed
  double baseline_ms = 0;
  double candidate_ms = 0;
  double change_ms = 0;
  double share = 0;       // of the change in mean duration; 0 when that change is 0
  bool is_new = false;    // on the candidate's critical paths only
  bool vanished = false;  // on the baseline's only
};

struct Decomposition {
  std::size_t baseline_requests = 0;  // the requests with span trees, on each side
  std::size_t candidate_requests = 0;
  double baseline_ms = 0;  // their mean duration (the sum of the parts' baseline_ms)
  double candidate_ms = 0;
  std::vector<Part> parts;  // the largest increase first; ties by op
};

// The decomposition of the change in mean duration, from the events that carry span trees;
// nullopt when a side has none.
std::optional<Decomposition> DecomposeMeanChange(const GroupSamples& baseline,
                                                 const GroupSamples& candidate);

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_DECOMPOSE_H_
