#include "explain/critical_path.h"

#include <algorithm>
#include <functional>
#include <queue>

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
    // Each step takes the child that finished last before t (its end clamped to t; ties:
    // the lowest index), as a scan of every child would, in O(k log k) for k children
    // rather than O(k^2) (a span with 100,000 children must not stall a run). Children by
    // end, latest first: those before `next` end at or after t; of them, the ones that also
    // start before t all end "at t" once clamped, so the lowest index among them wins.
    const std::vector<std::size_t>& kids = children_[s];
    std::vector<std::size_t> by_end(kids);
    std::sort(by_end.begin(), by_end.end(), [&](std::size_t a, std::size_t b) {
      return spans_[a].end_ms != spans_[b].end_ms ? spans_[a].end_ms > spans_[b].end_ms : a < b;
    });
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> straddling;
    std::size_t next = 0;
    double t = ceiling;
    while (t > floor) {
      while (next < by_end.size() && spans_[by_end[next]].end_ms >= t)
        straddling.push(by_end[next++]);
      // A child that starts at or after t never qualifies again (t only falls); one walked
      // already is done.
      while (!straddling.empty() &&
             (walked_[straddling.top()] || !(spans_[straddling.top()].start_ms < t)))
        straddling.pop();
      std::size_t child = 0;
      double child_end = 0;
      if (!straddling.empty()) {
        child = straddling.top();
        child_end = t;
      } else if (next < by_end.size() && spans_[by_end[next]].end_ms > floor) {
        child = by_end[next];  // ends before t, so it started before t
        child_end = spans_[child].end_ms;
      } else {
        break;
      }
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
