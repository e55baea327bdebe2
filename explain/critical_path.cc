#include "explain/critical_path.h"

#include <algorithm>

namespace perfgate::explain {
namespace {

class Walker {
 public:
  Walker(std::span<const TreeSpan> spans, std::vector<double>& times)
      : spans_(spans), times_(times), children_(spans.size()), walked_(spans.size(), false) {
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
    // Each step takes, of the children that had ended by t, the one that ended last (ties:
    // the lowest index): only a child that had finished can be what the span waited for
    // at t; one still running then (work sent in parallel and never awaited) was not. Ends
    // past the span's own end are clamped to it (clock skew, or work that outlived it), so
    // the first step can take such a child. Children by clamped end, latest first, walked
    // once in O(k log k) for k children (a span with 100,000 children must not stall a run).
    const std::vector<std::size_t>& kids = children_[s];
    auto end_of = [&](std::size_t child) { return std::min(spans_[child].end_ms, ceiling); };
    std::vector<std::size_t> by_end(kids);
    std::sort(by_end.begin(), by_end.end(), [&](std::size_t a, std::size_t b) {
      return end_of(a) != end_of(b) ? end_of(a) > end_of(b) : a < b;
    });
    std::size_t next = 0;
    double t = ceiling;
    while (t > floor) {
      // Still running at t (past the tolerance), starting at or after t, or walked: never
      // eligible again, since t only falls.
      while (next < by_end.size() &&
             (end_of(by_end[next]) > t + kEndTolerance_ms || !(spans_[by_end[next]].start_ms < t) ||
              walked_[by_end[next]]))
        ++next;
      if (next == by_end.size() || !(end_of(by_end[next]) > floor)) break;
      const std::size_t child = by_end[next++];
      const double child_end = std::min(end_of(child), t);
      walked_[child] = true;
      times_[s] += t - child_end;  // nothing ran for s between the child's end and t
      const double child_floor = std::max(spans_[child].start_ms, floor);
      Walk(child, child_floor, child_end, depth + 1);
      t = child_floor;
    }
    if (t > floor) times_[s] += t - floor;
  }

 private:
  std::span<const TreeSpan> spans_;
  std::vector<double>& times_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<bool> walked_;  // children already on the path of their parent
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
