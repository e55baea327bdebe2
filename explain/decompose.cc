#include "explain/decompose.h"

#include <algorithm>
#include <map>

#include "explain/critical_path.h"

namespace perfgate::explain {
namespace {

// The mean time per request on the critical path, by op, over the events with trees.
struct SideMeans {
  std::size_t requests = 0;
  double duration_ms = 0;
  std::map<std::string, double> by_op;
};

SideMeans Means(const GroupSamples& group) {
  SideMeans side;
  std::map<std::string, double> totals;
  std::vector<TreeSpan> tree;
  for (const SpanTree& event : group.trees) {
    if (event.spans.empty()) continue;
    tree.clear();
    for (const SpanRecord& span : event.spans)
      tree.push_back({span.parent, span.start_ms, span.end_ms});
    const std::vector<double> times = CriticalPathTimes(tree);
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (i > 0 && times[i] == 0) continue;  // not waited on
      totals[i == 0 ? std::string(kUnattributed) : event.spans[i].op] += times[i];
    }
    side.duration_ms += event.spans[0].end_ms - event.spans[0].start_ms;
    ++side.requests;
  }
  if (side.requests == 0) return side;
  const auto n = static_cast<double>(side.requests);
  side.duration_ms /= n;
  for (auto& [op, total] : totals) side.by_op[op] = total / n;
  return side;
}

}  // namespace

std::optional<Decomposition> DecomposeMeanChange(const GroupSamples& baseline,
                                                 const GroupSamples& candidate) {
  const SideMeans base = Means(baseline);
  const SideMeans cand = Means(candidate);
  if (base.requests == 0 || cand.requests == 0) return std::nullopt;
  Decomposition result;
  result.baseline_requests = base.requests;
  result.candidate_requests = cand.requests;
  result.baseline_ms = base.duration_ms;
  result.candidate_ms = cand.duration_ms;
  const double change = cand.duration_ms - base.duration_ms;
  std::map<std::string, Part> parts;
  for (const auto& [op, ms] : base.by_op) {
    parts[op].op = op;
    parts[op].baseline_ms = ms;
  }
  for (const auto& [op, ms] : cand.by_op) {
    parts[op].op = op;
    parts[op].candidate_ms = ms;
  }
  for (auto& [op, part] : parts) {
    part.change_ms = part.candidate_ms - part.baseline_ms;
    part.share = change != 0 ? part.change_ms / change : 0;
    part.is_new = !base.by_op.contains(op);
    part.vanished = !cand.by_op.contains(op);
    result.parts.push_back(part);
  }
  std::stable_sort(result.parts.begin(), result.parts.end(),
                   [](const Part& a, const Part& b) { return a.change_ms > b.change_ms; });
  return result;
}

}  // namespace perfgate::explain
