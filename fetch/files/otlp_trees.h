// The span trees of an OTLP input: which spans are whose children (by trace and span id,
// within one service), which repeat an earlier span (a batch exported twice), which form a
// parent cycle, and each local root's tree as a SpanTree. Pure.
#ifndef PERFGATE_FETCH_FILES_OTLP_TREES_H_
#define PERFGATE_FETCH_FILES_OTLP_TREES_H_

#include <cstddef>
#include <vector>

#include "core/samples.h"
#include "fetch/files/otlp_span.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch::otlp {

// No such span.
inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Where each span's parent is among the spans (kNone: a local root, or a repeat), and
// which spans repeat an earlier span's trace and id, which are nobody's child and no
// transaction.
struct Links {
  std::vector<std::size_t> parents;
  std::vector<bool> repeated;  // the same trace and span id as an earlier span
  std::size_t repeats = 0;
};
// The first span with the same trace and the parent's id, in the same service; a remote
// parent or one not in `spans` makes a local root.
Links LinkSpans(const std::vector<Span>& spans);

// Each span's children, in input order: children of span i are
// spans[offsets[i], offsets[i + 1]).
struct Children {
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> spans;
};
// The children of every span by `parents` (a counting sort: input order kept).
Children ChildrenOf(const std::vector<std::size_t>& parents);

// Records in `bad_rows` each span that is neither repeated nor reached from a local root:
// its parent chain loops, so it belongs to no transaction. False when reading must stop.
bool RecordCycles(const std::vector<Span>& spans, const Links& links, const Children& children,
                  BadRowLog& bad_rows);

// The tree under local root `root`: its descendants in its service, breadth first (parents
// before children), times in ms from the root's start.
SpanTree Tree(const std::vector<Span>& spans, const Children& children, std::size_t root);

// Gives the event `builder` added last (to `group`) the value attributes of the tree under
// `root`: each key's sum over its spans, "sum_per_request(KEY)" (the tokens a request
// cost), and each span's own value, "span.KEY".
void AttachTreeValues(const std::vector<Span>& spans, const Children& children, std::size_t root,
                      std::string_view group, SampleSetBuilder& builder);

}  // namespace perfgate::fetch::otlp

#endif  // PERFGATE_FETCH_FILES_OTLP_TREES_H_
