// The sample model shared by the readers (fetch/) and the rule engine (gate/): transaction
// events kept columnar per group, so statistics run on contiguous spans. It knows nothing
// about where samples came from or how they are judged.
#ifndef PERFGATE_CORE_SAMPLES_H_
#define PERFGATE_CORE_SAMPLES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// A group summarised by the server instead of its events (Sentry's aggregate mode):
// exact counts, and percentiles computed by Sentry, with no events behind them.
struct Aggregates {
  std::size_t count = 0;
  std::size_t failures = 0;
  std::map<double, double> quantiles_ms;  // q in [0, 1] -> value, e.g. 0.95 -> p95()
  std::optional<double> mean_ms;
};

// One span of an event's tree, its times in ms from the start of the event's root span.
struct SpanRecord {
  std::string op;           // as Sentry's span.op: "db", "http.client", "gen_ai.chat", ...
  std::string description;  // the span's name
  long parent = -1;         // its parent's index in the tree; -1 for the root
  double start_ms = 0;
  double end_ms = 0;
};

// One op family's part of an event in Sentry's ops breakdown (spans.db, spans.http, ...):
// the wall-clock time the event's spans of that family cover, overlapping spans of the
// family counted once. Families can overlap one another.
struct OpTime {
  std::string op;  // "db", "http", "browser", "resource", "ui", or kOtherOps
  double ms = 0;
};

// The ops breakdown's time in spans of ops outside the families asked for: spans.total.time
// minus the families' times.
inline constexpr std::string_view kOtherOps = "(other ops)";

// The op families of Sentry's ops breakdown, in the order Relay matches them (the project
// option sentry:breakdowns): a span belongs to the first that is a prefix of its op
// ("db.redis" to "db", "http.client" to "http"), else to kOtherOps.
inline constexpr std::array<std::string_view, 5> kOpFamilies = {"http", "db", "browser", "resource",
                                                                "ui"};

// The family of span op `op`.
std::string_view OpFamily(std::string_view op);

// What is known of one event's spans: its span tree where the source records one (OTLP):
// spans[0] is the event's root span, parents come before their children; else Sentry's
// ops breakdown (op_times), which says how long each op family took but not whether the
// response waited for it.
struct SpanTree {
  std::string trace_id;  // lowercase hex, for links to the trace
  std::string event_id;  // Sentry's transaction event id (lowercase hex), where known
  std::vector<SpanRecord> spans;
  std::vector<OpTime> op_times;  // only when `spans` is empty
};

// One span group's summed self time in one transaction of one release, as Sentry's spans
// dataset aggregates it (sum(span.self_time) and count() by span.op and description).
struct SpanGroupTotal {
  std::string op;           // span.op: "db.sql.query", "http.client", ...
  std::string description;  // span.description
  double self_time_ms = 0;  // summed over the release's spans of the group
  double count = 0;         // spans (Sentry extrapolates counts: not always whole)
};

// A transaction's span groups in one release, and the transactions they came from, so
// that self time per request is self_time_ms / transactions.
struct SpanGroupTotals {
  double transactions = 0;
  std::vector<SpanGroupTotal> groups;  // the groups with the most self time
};

// All events of one group (one transaction name, or the whole release).
// durations_ms[i] and failed[i] describe the same event, in input order, and so does
// trees[i] when the source records span trees (trees is empty otherwise; an event without
// one has an empty tree). A group from aggregate mode has no events but `aggregates`.
// What a saved release keeps of an event besides what is judged (perfgate fetch, the cache):
// where a reader was asked to keep them.
struct EventDetails {
  std::string status;               // the status as given ("ok", "internal_error"), or ""
  std::optional<double> timestamp;  // UTC seconds since the epoch, to the millisecond
  std::string trace_id;             // lowercase hex, or ""
  std::string event_id;             // lowercase hex, or ""
};

// A value events carry besides their duration ("measurements.lcp", a span attribute summed
// over the event's spans), one per event, NaN where an event has none. Time values are in
// milliseconds whatever unit the source gave them in.
struct ValueColumn {
  std::vector<double> values;

  // How many events carry the value.
  std::size_t Present() const;
};

// The value column of each event's user ("user", "user.id", "user.email", ... of Sentry's
// events; enduser.id of OpenTelemetry's): a 53-bit hash of the id, exact in a double, for
// telling users apart (user misery).
inline constexpr std::string_view kUserValue = "user";

// Durations known only to a bin of a histogram (Sentry's histogram mode): `count` events
// somewhere in [lower, upper) ms, rebuilt at the midpoint.
struct DurationBin {
  double lower = 0;
  double upper = 0;
  std::size_t count = 0;

  double HalfWidth() const { return (upper - lower) / 2; }
};

struct GroupSamples {
  std::string name;
  std::vector<double> durations_ms;  // each finite and >= 0
  std::vector<std::uint8_t> failed;  // 1 when the event failed (Sentry's failure_rate())
  std::vector<SpanTree> trees;
  std::optional<Aggregates> aggregates;
  std::vector<EventDetails> details;  // empty, or one per event
  // Each event's start, UTC seconds since the epoch, NaN where unknown: one per event, or
  // empty when no event of the group has one. For the reports' durations over time.
  std::vector<double> times_s;
  // The values events carry, by name; each column has one entry per event.
  std::map<std::string, ValueColumn, std::less<>> values;
  // Values measured apart from the events, by name: a span attribute of their spans
  // ("span.gen_ai.usage.input_tokens", one entry per span that carries it) or a k6 custom
  // metric's samples ("k6.checkout_time"), in no event's order.
  std::map<std::string, std::vector<double>, std::less<>> sample_values;
  // Aggregate mode's aggregates of a value, by name ("measurements.lcp": how many events
  // carry it, Sentry's percentiles and mean of it; failures unused). Present with count 0
  // when Sentry was asked and no event carried the value.
  std::map<std::string, Aggregates, std::less<>> value_aggregates;
  // Histogram mode: the bins the durations were rebuilt from (each event at its bin's
  // midpoint), ascending by lower edge, counts summing to the binned events; empty when the
  // durations are the events' own. A release's group has bins of one grid, not overlapping;
  // a merged group ("(all)", pooled releases) may hold several grids' bins, which overlap.
  // Intervals of the durations are widened to them.
  std::vector<DurationBin> bins;

  std::size_t size() const { return durations_ms.size(); }
  // Events the group stands for: its events, or the server's count.
  std::size_t Count() const { return aggregates ? aggregates->count : durations_ms.size(); }
  std::size_t Failures() const;
};

// Where and when a source's events came from, as far as its rows say: the releases they
// name (by events, most first) and the time of the first and the last event.
struct SourceOrigin {
  static constexpr std::size_t kMaxReleases = 100;            // more distinct names are not kept
  std::vector<std::pair<std::string, std::size_t>> releases;  // name, events
  std::optional<double> first_seconds;                        // UTC seconds since the epoch
  std::optional<double> last_seconds;

  // Counts one event of `release` (empty: not named) at `seconds` (nullopt: not known).
  void Note(std::string_view release, std::optional<double> seconds);
  // Adds `other`'s counts and widens the range to cover it.
  void Merge(const SourceOrigin& other);
  // Releases by events, most first (ties by name), names made safe to show.
  void Sort();
};

// Keeps the first event of each event id (EventDetails, or the span tree's) and drops the
// later ones, in every group; events without an id are all kept. Returns how many were
// dropped. For sources read in parts that may overlap (time windows whose ends a server
// counts in both).
struct SampleSet;
std::size_t DropRepeatedEvents(SampleSet& set);

// The events of one release, grouped by transaction name, plus what reading skipped.
struct SampleSet {
  std::string source;                // as the user named it: a path or sentry:RELEASE
  std::string sentry_release;        // the Sentry release the events came from; "" for a file
  std::vector<GroupSamples> groups;  // sorted by name, names unique
  std::size_t skipped_rows = 0;      // bad rows dropped under --on-bad-row=skip
  std::vector<std::string> skipped_examples;  // the first few, "file:line: reason"
  std::vector<std::string> notes;  // what a report must say about the source (a sample cap)
  bool partial = false;  // some of the source could not be read (allow_partial); notes say what
  SourceOrigin origin;   // the releases and time range its rows name

  std::size_t TotalEvents() const;
  // True when the groups carry server aggregates instead of events.
  bool IsAggregated() const;
  // The group named `name`, or nullptr.
  const GroupSamples* Find(std::string_view name) const;
};

// Multiplies `group`'s durations by `duration_factor` and its ops-breakdown times by
// `op_factor`: a file's unit to milliseconds. Span trees (OTLP) are left alone.
void ScaleTimes(GroupSamples& group, double duration_factor, double op_factor);

// Every event of `set` as one group named `name`, groups concatenated in name order.
GroupSamples MergeGroups(const SampleSet& set, std::string name);

// Several releases pooled with equal weights, as one baseline: per transaction, each set
// that has it gives as many events as the one with the fewest (an even spread of its own,
// in its order, so the same sets give the same pool), and its values measured apart in the
// same share. Notes and origins are kept; `source` names the pool.
SampleSet PoolEqually(const std::vector<SampleSet>& sets, std::string source);

// Collects events in any order and hands out a SampleSet with groups sorted by name.
// Appending a builder keeps each group's events in the order they were added.
class SampleSetBuilder {
 public:
  void Add(std::string_view group, double duration_ms, bool failed);
  // The same with the event's span tree.
  void Add(std::string_view group, double duration_ms, bool failed, SpanTree tree);
  // Moves every event of `other` after this builder's events of the same group.
  void Append(SampleSetBuilder&& other);
  // Attaches `details` to the event added last (details of earlier events of its group that
  // had none are empty).
  void AttachDetails(EventDetails details);
  // Gives the event added last the value `name` (earlier events of its group without one
  // have NaN). A second value of the same name replaces the first.
  void AttachValue(std::string_view name, double value);
  // Adds a value measured apart from the events to `group`'s sample_values.
  void AddSampleValue(std::string_view group, std::string_view name, double value);
  // Counts the release and time of the event added last (SourceOrigin::Note), and keeps its
  // time (GroupSamples::times_s).
  void NoteOrigin(std::string_view release, std::optional<double> seconds);
  // ScaleTimes() on every group so far.
  void ScaleTimes(double duration_factor, double op_factor);
  // Multiplies every group's value `name` by `factor` (a page's unit to milliseconds).
  void ScaleValue(std::string_view name, double factor);
  // Adds a group summarised by the server. REQUIRES: no events were added under `name`.
  void AddAggregated(std::string_view name, Aggregates aggregates);
  // Gives `group` the server's aggregates of value `name` (GroupSamples::value_aggregates).
  void AddValueAggregates(std::string_view group, std::string_view name, Aggregates aggregates);
  // Adds `bins`' events to `group` (each at its bin's midpoint, the first `failures` of
  // them failed) and keeps the bins (GroupSamples::bins). REQUIRES: no events were added
  // under `group`, `bins` ascending and not overlapping.
  void AddBinned(std::string_view group, std::vector<DurationBin> bins, std::size_t failures);
  std::size_t size() const { return events_; }
  SampleSet Build(std::string source) &&;

 private:
  // The group named `name`, created when new. An open-addressing table (power-of-two size,
  // linear probing) rather than std::unordered_map: this runs once per input row, and the
  // map's prime-modulo bucket index costs a division per lookup.
  std::size_t GroupIndex(std::string_view name);
  void Grow();

  std::vector<GroupSamples> groups_;
  std::vector<std::uint32_t> slots_;                 // group index + 1; 0 is an empty slot
  std::size_t last_ = static_cast<std::size_t>(-1);  // the group used last, a cheap cache
  std::size_t events_ = 0;
  SourceOrigin origin_;
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_SAMPLES_H_
