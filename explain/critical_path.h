// The critical path of one request's span tree: the chain of spans the response actually
// waited for. Walking back from the root's end, the span waited on is the child that
// finished last among those that had finished by then (a child's end past its parent's is
// clamped to it); its own critical path is taken, then the walk goes on from where that
// child started, among the children that had ended by that point. Time in a span that no
// chosen child covers is the span's own ("self") time on the path. Children that were
// still running when the walk passed them (parallel work never awaited, or work the span
// started another step beside) get nothing: they did not delay the response. The parts add
// up exactly to the root's duration. (Jaeger's critical-path rule; Uber's CRISP.) A child
// that ended up to kEndTolerance_ms after the point counts as ended by it (its end clamped
// to the point): the OpenTelemetry JavaScript SDK takes a span's start from Date.now(), in
// whole milliseconds, and its end from a finer clock, so the next step of a sequence often
// appears to start up to a millisecond before the previous one ended (seen in 169 of 280
// requests recorded from it); without the tolerance the walk would skip the step it waited
// on and call the gap the parent's own time.
#ifndef PERFGATE_EXPLAIN_CRITICAL_PATH_H_
#define PERFGATE_EXPLAIN_CRITICAL_PATH_H_

#include <cstddef>
#include <span>
#include <vector>

namespace perfgate::explain {

// One span of a tree: its parent's index (-1 for the root, which is spans[0]) and its
// times in ms on one clock. A child that starts before or ends after its parent (clock
// skew) is clamped to it.
struct TreeSpan {
  long parent = -1;
  double start_ms = 0;
  double end_ms = 0;
};

// Each span's time on the critical path of spans[0], in the order of `spans`: its self
// time on the path. Spans not under the root (orphans, cycles), or never waited on, get 0.
// The sum is the root's duration. Trees deeper than kMaxDepth are cut there: the deepest
// span keeps the time below it as its own. A parent index that is not -1 or a valid index
// makes the span an orphan. An empty input gives an empty result.
std::vector<double> CriticalPathTimes(std::span<const TreeSpan> spans);

inline constexpr std::size_t kMaxDepth = 1000;
inline constexpr double kEndTolerance_ms = 1.0;

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_CRITICAL_PATH_H_
