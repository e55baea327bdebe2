#include "fetch/sentry/sentry_trace.h"

#include <cmath>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/text.h"

namespace perfgate::fetch {
namespace {

using boost::json::object;
using boost::json::value;

// Nesting levels of spans searched and parsed: a deep trace is two JSON levels a span.
constexpr int kMaxDepth = 500;

std::string_view Text(const object& node, std::string_view key) {
  const value* v = node.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

// The first node of `event_id` under `nodes`, depth first; nullptr when there is none.
const object* FindEvent(const value& nodes, std::string_view event_id, int depth) {
  if (!nodes.is_array() || depth > kMaxDepth) return nullptr;
  for (const value& node : nodes.as_array()) {
    if (!node.is_object()) continue;
    const object& o = node.as_object();
    if (Text(o, "event_id") == event_id) return &o;
    if (const value* children = o.if_contains("children")) {
      if (const object* found = FindEvent(*children, event_id, depth + 1)) return found;
    }
  }
  return nullptr;
}

double Seconds(const object& node, std::string_view key) {
  const value* v = node.if_contains(key);
  if (v == nullptr || !v->is_number()) return NAN;
  return v->to_number<double>();
}

}  // namespace

Result<SpanTree> SentryTraceTree(std::string_view body, const std::string& trace_id,
                                 const std::string& event_id, std::string_view source) {
  auto fail = [&](const std::string& what) {
    return MakeError(ErrorKind::kUnavailable, std::string(source) + ": " + what);
  };
  boost::json::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 2 * kMaxDepth + 8;
  const value answer = boost::json::parse(body, ec, {}, options);
  if (ec) return fail("not JSON: " + ec.message());
  if (!answer.is_array()) return fail("not a trace: expected a list of nodes");
  const object* root = FindEvent(answer, event_id, 0);
  if (root == nullptr) return fail("no span of event " + event_id + " in the trace");
  SpanTree tree;
  tree.trace_id = trace_id;
  tree.event_id = event_id;
  const double origin = Seconds(*root, "start_timestamp");
  std::vector<std::pair<const object*, long>> queue = {{root, -1}};  // (node, parent's place)
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const auto [node, parent] = queue[next];
    const double start = Seconds(*node, "start_timestamp");
    const double end = Seconds(*node, "end_timestamp");
    if (!std::isfinite(start) || !std::isfinite(end) || end < start || !std::isfinite(origin))
      return fail("a span of event " + event_id +
                  " has no valid start_timestamp and end_timestamp");
    tree.spans.push_back({CleanText(Text(*node, "op")), CleanText(Text(*node, "description")),
                          parent, (start - origin) * 1000, (end - origin) * 1000});
    if (tree.spans.size() > kMaxTraceSpans)
      return fail("event " + event_id + " has more than " + std::to_string(kMaxTraceSpans) +
                  " spans");
    const value* children = node->if_contains("children");
    if (children == nullptr || !children->is_array()) continue;
    for (const value& child : children->as_array()) {
      if (!child.is_object()) continue;
      const std::string_view child_event = Text(child.as_object(), "event_id");
      if (!child_event.empty() && child_event != event_id) continue;  // another transaction
      queue.emplace_back(&child.as_object(), static_cast<long>(next));
    }
  }
  return tree;
}

}  // namespace perfgate::fetch
