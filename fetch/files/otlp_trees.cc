#include "fetch/files/otlp_trees.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace perfgate::fetch::otlp {

// The tree under local root `root`: its descendants in its service, breadth first (parents
// before children), times in ms from the root's start. Each span is in at most one list of
// `children` (its parent's, found by id: a duplicated id's later spans are nobody's
// parent), and a root in none, so no span is reached twice and a cycle is never reached.
SpanTree Tree(const std::vector<Span>& spans, const Children& children, std::size_t root) {
  SpanTree tree;
  tree.trace_id = Hex(spans[root].trace_id);
  // Differences of whole nanoseconds first: a double holds Unix nanoseconds only to 256 ns.
  const std::uint64_t origin = spans[root].start_ns;
  auto ms = [origin](std::uint64_t t) {
    return t >= origin ? static_cast<double>(t - origin) / 1e6
                       : -static_cast<double>(origin - t) / 1e6;
  };
  std::vector<std::pair<std::size_t, long>> queue = {{root, -1}};  // (span, parent's place)
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const auto [i, parent] = queue[next];
    const Span& span = spans[i];
    tree.spans.push_back({span.op, span.name, parent, ms(span.start_ns), ms(span.end_ns)});
    for (std::size_t k = children.offsets[i]; k < children.offsets[i + 1]; ++k)
      queue.emplace_back(children.spans[k], static_cast<long>(next));
  }
  return tree;
}

void AttachTreeValues(const std::vector<Span>& spans, const Children& children, std::size_t root,
                      std::string_view group, SampleSetBuilder& builder) {
  std::vector<std::pair<std::string_view, double>> sums;  // by key, in order first seen
  std::vector<std::size_t> queue = {root};
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const std::size_t i = queue[next];
    for (const auto& [key, value] : spans[i].values) {
      builder.AddSampleValue(group, "span." + std::string(key), value);
      const std::string_view name = key;  // (clang 14 lambdas cannot capture a binding)
      auto sum =
          std::find_if(sums.begin(), sums.end(), [&](const auto& s) { return s.first == name; });
      if (sum == sums.end()) sum = sums.insert(sums.end(), {name, 0.0});
      sum->second += value;
    }
    for (std::size_t k = children.offsets[i]; k < children.offsets[i + 1]; ++k)
      queue.push_back(children.spans[k]);
  }
  for (const auto& [key, sum] : sums)
    builder.AttachValue("sum_per_request(" + std::string(key) + ")", sum);
}

// Where each span's parent is among `spans`: the index of the first span with the same
// trace and the parent's id, or kNone; and which spans repeat an earlier span's trace and
// id (a batch exported twice), which are nobody's child and no transaction. An
// open-addressing table (a power of two of slots,
// linear probing) of span indices keyed by (trace, id): a million spans are read in a
// second, and std::unordered_map's node per entry cost a third of that.

Links LinkSpans(const std::vector<Span>& spans) {
  std::size_t size = 16;
  while (size < 2 * spans.size()) size *= 2;
  const std::size_t mask = size - 1;
  std::vector<std::size_t> slots(size, kNone);
  auto slot_of = [&](const TraceId& trace, std::uint64_t id) {
    // Ids are random: a multiply-and-fold of their words spreads them well enough.
    std::uint64_t h = trace.high * 0x9E3779B97F4A7C15ULL ^ trace.low;
    h = (h ^ id) * 0xBF58476D1CE4E5B9ULL;
    std::size_t slot = static_cast<std::size_t>(h ^ (h >> 31)) & mask;
    while (slots[slot] != kNone &&
           (spans[slots[slot]].span_id != id || !(spans[slots[slot]].trace_id == trace)))
      slot = (slot + 1) & mask;
    return slot;
  };
  Links links;
  links.repeated.assign(spans.size(), false);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::size_t slot = slot_of(spans[i].trace_id, spans[i].span_id);
    if (slots[slot] == kNone) {
      slots[slot] = i;
    } else if (spans[i].span_id != 0) {  // a repeated id: the first span keeps it
      links.repeated[i] = true;
      ++links.repeats;
    }
  }
  links.parents.assign(spans.size(), kNone);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    if (links.repeated[i] || span.parent_id == 0 || span.remote_parent) continue;
    const std::size_t parent = slots[slot_of(span.trace_id, span.parent_id)];
    if (parent == kNone || parent == i || spans[parent].service != span.service) continue;
    links.parents[i] = parent;
  }
  return links;
}

// Spans that are neither repeated nor reached from a local root: their parent chain loops
// (A's parent is B, B's is A), so they belong to no transaction. A bad row each.
bool RecordCycles(const std::vector<Span>& spans, const Links& links, const Children& children,
                  BadRowLog& bad_rows) {
  std::vector<bool> reached(spans.size(), false);
  std::vector<std::size_t> queue;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (links.parents[i] == kNone && !links.repeated[i]) queue.push_back(i);
  }
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const std::size_t i = queue[next];
    reached[i] = true;
    for (std::size_t k = children.offsets[i]; k < children.offsets[i + 1]; ++k)
      queue.push_back(children.spans[k]);
  }
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (reached[i] || links.repeated[i]) continue;
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(spans[i].span_id));
    if (!bad_rows.Record(0, 0,
                         "span " + std::string(id) + " of trace " + Hex(spans[i].trace_id) +
                             ": its parentSpanId chain loops back on itself, so it belongs to "
                             "no transaction"))
      return false;
  }
  return true;
}

// The children of every span by `parents` (a counting sort: input order kept).
Children ChildrenOf(const std::vector<std::size_t>& parents) {
  Children children;
  children.offsets.assign(parents.size() + 1, 0);
  for (const std::size_t parent : parents) {
    if (parent != kNone) ++children.offsets[parent + 1];
  }
  for (std::size_t i = 0; i < parents.size(); ++i) children.offsets[i + 1] += children.offsets[i];
  children.spans.resize(children.offsets.back());
  std::vector<std::size_t> next(children.offsets.begin(), children.offsets.end() - 1);
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (parents[i] != kNone) children.spans[next[parents[i]]++] = i;
  }
  return children;
}

}  // namespace perfgate::fetch::otlp
