#include "explain/critical_path.h"

#include <algorithm>
#include <limits>

namespace perfgate::explain {
namespace {

class Walker {
 public:
  Walker(std::span<const TreeSpan> spans, std::vector<double>& times)
      : spans_(spans), times_(times), children_(spans.size()) {
    for (std::size_t i = 1; i < spans.size(); ++i) {
      const long parent = spans[i].parent;
      if (parent >= 0 && static_cast<std::size_t>(parent) < spans.size() &&
          static_cast<std::size_t>(parent) != i)
        children_[static_cast<std::size_t>(parent)].push_back(i);
    }
  }

  // Attributes [floor, ceiling] of span `s` (already clamped to it) to s and the children
  // it waited on.
  void Walk(std::size_t s, double floor, double ceiling, std::size_t depth) {
    if (!(ceiling > floor)) return;
    if (depth >= kMaxDepth) {
      times_[s] += ceiling - floor;
      return;
    }
    std::vector<std::size_t> candidates = children_[s];
    double t = ceiling;
    while (t > floor) {
      // The child that finished last before t (clamped to t); ties: the earlier index.
      std::size_t best = candidates.size();
      double best_end = -std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        const TreeSpan& child = spans_[candidates[k]];
        if (!(child.start_ms < t)) continue;  // starts at or after t: not waited on here
        const double end = std::min(child.end_ms, t);
        if (end > floor && end > best_end) {
          best = k;
          best_end = end;
        }
      }
      if (best == candidates.size()) break;
      const std::size_t child = candidates[best];
      times_[s] += t - best_end;  // nothing ran for s between the child's end and t
      const double child_floor = std::max(spans_[child].start_ms, floor);
      Walk(child, child_floor, best_end, depth + 1);
      t = child_floor;
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(best));
    }
    if (t > floor) times_[s] += t - floor;
  }

 private:
  std::span<const TreeSpan> spans_;
  std::vector<double>& times_;
  std::vector<std::vector<std::size_t>> children_;
};

}  // namespace

std::vector<double> CriticalPathTimes(std::span<const TreeSpan> spans) {
  std::vector<double> times(spans.size(), 0.0);
  if (spans.empty()) return times;
  Walker walker(spans, times);
  walker.Walk(0, spans[0].start_ms, spans[0].end_ms, 0);
  return times;
}

}  // namespace perfgate::explain
