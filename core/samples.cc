#include "core/samples.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <numeric>
#include <unordered_set>

#include "core/text.h"

namespace perfgate {

std::string_view OpFamily(std::string_view op) {
  for (std::string_view family : kOpFamilies) {
    if (op.starts_with(family)) return family;
  }
  return kOtherOps;
}

std::size_t GroupSamples::Failures() const {
  if (aggregates) return aggregates->failures;
  return static_cast<std::size_t>(std::count(failed.begin(), failed.end(), std::uint8_t{1}));
}

std::size_t ValueColumn::Present() const {
  return static_cast<std::size_t>(
      std::count_if(values.begin(), values.end(), [](double v) { return !std::isnan(v); }));
}

std::size_t SampleSet::TotalEvents() const {
  std::size_t total = 0;
  for (const GroupSamples& group : groups) total += group.Count();
  return total;
}

bool SampleSet::IsAggregated() const {
  return std::any_of(groups.begin(), groups.end(),
                     [](const GroupSamples& g) { return g.aggregates.has_value(); });
}

const GroupSamples* SampleSet::Find(std::string_view name) const {
  auto it = std::lower_bound(groups.begin(), groups.end(), name,
                             [](const GroupSamples& g, std::string_view n) { return g.name < n; });
  return it != groups.end() && it->name == name ? &*it : nullptr;
}

namespace {

// Appends `from`'s per-event values to `to`'s, which has `before` events: a side without
// them gets empty ones once the other has some, so value i stays with event i.
template <typename T>
void AppendAligned(std::vector<T>& to, const std::vector<T>& from, std::size_t before,
                   std::size_t after) {
  if (to.empty() && from.empty()) return;
  to.resize(before);
  to.insert(to.end(), from.begin(), from.end());
  to.resize(after);
}

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// Pads every value column of `group` with NaN to one entry per event.
void PadValues(GroupSamples& group) {
  for (auto& [name, column] : group.values) column.values.resize(group.size(), kNoValue);
  if (!group.times_s.empty()) group.times_s.resize(group.size(), kNoValue);
}

// Appends a copy of `from`'s events to `to`, keeping trees[i], details[i] and every value
// column's entry i with event i.
void AppendEvents(GroupSamples& to, const GroupSamples& from) {
  const std::size_t before = to.durations_ms.size();
  to.durations_ms.insert(to.durations_ms.end(), from.durations_ms.begin(), from.durations_ms.end());
  to.failed.insert(to.failed.end(), from.failed.begin(), from.failed.end());
  AppendAligned(to.trees, from.trees, before, to.durations_ms.size());
  AppendAligned(to.details, from.details, before, to.durations_ms.size());
  if (!to.times_s.empty() || !from.times_s.empty()) {
    to.times_s.resize(before, kNoValue);
    to.times_s.insert(to.times_s.end(), from.times_s.begin(), from.times_s.end());
  }
  for (const auto& [name, values] : from.sample_values) {
    std::vector<double>& bag = to.sample_values[name];
    bag.insert(bag.end(), values.begin(), values.end());
  }
  for (const auto& [name, column] : from.values) {
    std::vector<double>& values = to.values[name].values;
    values.resize(before, kNoValue);
    values.insert(values.end(), column.values.begin(), column.values.end());
  }
  PadValues(to);
  to.bins.insert(to.bins.end(), from.bins.begin(), from.bins.end());
}

// `group`'s bins ascending by lower edge (then upper), after bins of several groups were
// appended.
void SortBins(GroupSamples& group) {
  std::sort(group.bins.begin(), group.bins.end(), [](const DurationBin& a, const DurationBin& b) {
    return a.lower != b.lower ? a.lower < b.lower : a.upper < b.upper;
  });
}

}  // namespace

namespace {

// `count` of `n` items spread evenly: indices floor(i n / count).
std::vector<std::size_t> EvenSpread(std::size_t n, std::size_t count) {
  std::vector<std::size_t> indices(count);
  for (std::size_t i = 0; i < count; ++i) indices[i] = i * n / count;
  return indices;
}

// The events of `group` at `indices`, with their trees, details and values.
GroupSamples EventsAt(const GroupSamples& group, const std::vector<std::size_t>& indices) {
  GroupSamples out;
  out.name = group.name;
  for (std::size_t i : indices) {
    out.durations_ms.push_back(group.durations_ms[i]);
    out.failed.push_back(group.failed[i]);
    if (!group.trees.empty()) out.trees.push_back(group.trees[i]);
    if (!group.details.empty()) out.details.push_back(group.details[i]);
    if (!group.times_s.empty()) out.times_s.push_back(group.times_s[i]);
  }
  for (const auto& [name, column] : group.values) {
    std::vector<double>& values = out.values[name].values;
    for (std::size_t i : indices) values.push_back(column.values[i]);
  }
  // A binned group's events lie bin after bin: each kept event keeps its bin.
  std::size_t bin = 0;
  std::size_t bin_end = group.bins.empty() ? 0 : group.bins[0].count;
  for (std::size_t i : indices) {
    if (group.bins.empty()) break;
    while (i >= bin_end) bin_end += group.bins[++bin].count;
    if (out.bins.empty() || out.bins.back().lower != group.bins[bin].lower)
      out.bins.push_back({group.bins[bin].lower, group.bins[bin].upper, 0});
    ++out.bins.back().count;
  }
  const double share =
      group.size() == 0 ? 0
                        : static_cast<double>(indices.size()) / static_cast<double>(group.size());
  for (const auto& [name, bag] : group.sample_values) {
    const auto keep =
        static_cast<std::size_t>(std::llround(share * static_cast<double>(bag.size())));
    std::vector<double>& kept = out.sample_values[name];
    for (std::size_t i : EvenSpread(bag.size(), keep)) kept.push_back(bag[i]);
  }
  return out;
}

}  // namespace

SampleSet PoolEqually(const std::vector<SampleSet>& sets, std::string source) {
  std::map<std::string, std::size_t> fewest;  // per transaction, among the sets that have it
  for (const SampleSet& set : sets) {
    for (const GroupSamples& group : set.groups) {
      auto [at, added] = fewest.emplace(group.name, group.size());
      if (!added) at->second = std::min(at->second, group.size());
    }
  }
  SampleSet pooled;
  pooled.source = std::move(source);
  for (const auto& [name, count] : fewest) {
    GroupSamples merged;
    merged.name = name;
    for (const SampleSet& set : sets) {
      const GroupSamples* group = set.Find(name);
      if (group == nullptr || count == 0) continue;
      AppendEvents(merged, EventsAt(*group, EvenSpread(group->size(), count)));
    }
    SortBins(merged);
    pooled.groups.push_back(std::move(merged));
  }
  for (const SampleSet& set : sets) {
    pooled.notes.insert(pooled.notes.end(), set.notes.begin(), set.notes.end());
    pooled.origin.Merge(set.origin);
    pooled.partial = pooled.partial || set.partial;
    pooled.skipped_rows += set.skipped_rows;
  }
  pooled.origin.Sort();
  return pooled;
}

GroupSamples MergeGroups(const SampleSet& set, std::string name) {
  GroupSamples merged;
  merged.name = std::move(name);
  merged.durations_ms.reserve(set.TotalEvents());
  merged.failed.reserve(set.TotalEvents());
  for (const GroupSamples& group : set.groups) AppendEvents(merged, group);
  SortBins(merged);
  return merged;
}

namespace {

// A fast 64-bit hash of a name, eight bytes at a time (splitmix64-style mixing): transaction
// names often share long prefixes, so every byte takes part.
std::uint64_t HashName(std::string_view name) {
  std::uint64_t h = name.size() * 0x9E3779B97F4A7C15ULL;
  std::size_t i = 0;
  for (; i + 8 <= name.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, name.data() + i, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  if (i < name.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, name.data() + i, name.size() - i);
    h = (h ^ word) * 0x94D049BB133111EBULL;
  }
  // MurmurHash3's finaliser: every input bit reaches the low bits the table index uses.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

void SampleSetBuilder::Grow() {
  std::vector<std::uint32_t> slots(slots_.empty() ? 64 : slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    std::size_t at = HashName(groups_[g].name) & mask;
    while (slots[at] != 0) at = (at + 1) & mask;
    slots[at] = static_cast<std::uint32_t>(g + 1);
  }
  slots_ = std::move(slots);
}

std::size_t SampleSetBuilder::GroupIndex(std::string_view name) {
  if (last_ < groups_.size() && groups_[last_].name == name) return last_;
  if (slots_.empty()) Grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = HashName(name) & mask;
  while (slots_[at] != 0) {
    std::size_t g = slots_[at] - 1;
    if (groups_[g].name == name) return last_ = g;
    at = (at + 1) & mask;
  }
  groups_.emplace_back();
  groups_.back().name = std::string(name);
  slots_[at] = static_cast<std::uint32_t>(groups_.size());
  if (groups_.size() * 2 > slots_.size()) Grow();  // keep the load factor at most 1/2
  return last_ = groups_.size() - 1;
}

void SampleSetBuilder::Add(std::string_view group, double duration_ms, bool failed) {
  GroupSamples& target = groups_[GroupIndex(group)];
  target.durations_ms.push_back(duration_ms);
  target.failed.push_back(failed ? 1 : 0);
  if (!target.trees.empty()) target.trees.emplace_back();
  if (!target.details.empty()) target.details.emplace_back();
  ++events_;
}

void SampleSetBuilder::Add(std::string_view group, double duration_ms, bool failed, SpanTree tree) {
  GroupSamples& target = groups_[GroupIndex(group)];
  target.trees.resize(target.durations_ms.size());
  target.trees.push_back(std::move(tree));
  target.durations_ms.push_back(duration_ms);
  target.failed.push_back(failed ? 1 : 0);
  if (!target.details.empty()) target.details.emplace_back();
  ++events_;
}

void SampleSetBuilder::AttachDetails(EventDetails details) {
  GroupSamples& target = groups_[last_];
  target.details.resize(target.durations_ms.size());
  target.details.back() = std::move(details);
}

void SampleSetBuilder::AttachValue(std::string_view name, double value) {
  GroupSamples& target = groups_[last_];
  auto column = target.values.find(name);
  if (column == target.values.end()) column = target.values.emplace(name, ValueColumn{}).first;
  column->second.values.resize(target.durations_ms.size(), kNoValue);
  column->second.values.back() = value;
}

void SampleSetBuilder::NoteOrigin(std::string_view release, std::optional<double> seconds) {
  origin_.Note(release, seconds);
  if (!seconds || last_ >= groups_.size()) return;
  std::vector<double>& times = groups_[last_].times_s;
  times.resize(groups_[last_].durations_ms.size(), kNoValue);
  if (!times.empty()) times.back() = *seconds;
}

void SampleSetBuilder::AddSampleValue(std::string_view group, std::string_view name, double value) {
  GroupSamples& target = groups_[GroupIndex(group)];
  auto bag = target.sample_values.find(name);
  if (bag == target.sample_values.end())
    bag = target.sample_values.emplace(name, std::vector<double>{}).first;
  bag->second.push_back(value);
}

void SampleSetBuilder::AddAggregated(std::string_view name, Aggregates aggregates) {
  events_ += aggregates.count;
  groups_[GroupIndex(name)].aggregates = std::move(aggregates);
}

void SampleSetBuilder::AddValueAggregates(std::string_view group, std::string_view name,
                                          Aggregates aggregates) {
  groups_[GroupIndex(group)].value_aggregates.insert_or_assign(std::string(name),
                                                               std::move(aggregates));
}

void SampleSetBuilder::AddBinned(std::string_view group, std::vector<DurationBin> bins,
                                 std::size_t failures) {
  GroupSamples& target = groups_[GroupIndex(group)];
  std::size_t events = 0;
  for (const DurationBin& bin : bins) events += bin.count;
  target.durations_ms.reserve(events);
  target.failed.reserve(events);
  for (const DurationBin& bin : bins)
    target.durations_ms.insert(target.durations_ms.end(), bin.count, (bin.lower + bin.upper) / 2);
  target.failed.assign(events, 0);
  std::fill_n(target.failed.begin(), std::min(failures, events), std::uint8_t{1});
  target.bins = std::move(bins);
  events_ += events;
}

void ScaleTimes(GroupSamples& group, double duration_factor, double op_factor) {
  // Durations stay finite: 1e300 s, absurd as it is, becomes the largest double, not inf.
  auto scale = [](double& ms, double factor) {
    ms = std::min(ms * factor, std::numeric_limits<double>::max());
  };
  if (duration_factor != 1) {
    for (double& ms : group.durations_ms) scale(ms, duration_factor);
  }
  if (op_factor == 1) return;
  for (SpanTree& tree : group.trees) {
    for (OpTime& op : tree.op_times) scale(op.ms, op_factor);
  }
}

void SampleSetBuilder::ScaleTimes(double duration_factor, double op_factor) {
  for (GroupSamples& group : groups_) perfgate::ScaleTimes(group, duration_factor, op_factor);
}

void SampleSetBuilder::ScaleValue(std::string_view name, double factor) {
  for (GroupSamples& group : groups_) {
    auto column = group.values.find(name);
    if (column == group.values.end()) continue;
    for (double& value : column->second.values) value *= factor;  // NaN stays NaN
  }
}

void SourceOrigin::Note(std::string_view release, std::optional<double> seconds) {
  if (seconds) {
    first_seconds = std::min(first_seconds.value_or(*seconds), *seconds);
    last_seconds = std::max(last_seconds.value_or(*seconds), *seconds);
  }
  if (release.empty()) return;
  // Rows of one release follow each other: the last entry is the likely one.
  if (!releases.empty() && releases.back().first == release) {
    ++releases.back().second;
    return;
  }
  for (auto& [name, events] : releases) {
    if (name == release) {
      ++events;
      return;
    }
  }
  if (releases.size() < kMaxReleases) releases.emplace_back(release, 1);
}

void SourceOrigin::Merge(const SourceOrigin& other) {
  for (const auto& added : other.releases) {
    auto known = std::find_if(releases.begin(), releases.end(),
                              [&](const auto& entry) { return entry.first == added.first; });
    if (known != releases.end()) {
      known->second += added.second;
    } else if (releases.size() < kMaxReleases) {
      releases.push_back(added);
    }
  }
  if (other.first_seconds) Note("", other.first_seconds);
  if (other.last_seconds) Note("", other.last_seconds);
}

void SourceOrigin::Sort() {
  for (auto& entry : releases) entry.first = CleanText(entry.first);
  std::sort(releases.begin(), releases.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

void SampleSetBuilder::Append(SampleSetBuilder&& other) {
  for (GroupSamples& group : other.groups_) {
    const std::size_t before = groups_.size();
    GroupSamples& target = groups_[GroupIndex(group.name)];
    if (groups_.size() > before) {
      target = std::move(group);  // new here: take the vectors whole
      continue;
    }
    AppendEvents(target, group);
  }
  events_ += other.events_;
  origin_.Merge(other.origin_);
  other = SampleSetBuilder();
}

namespace {

// Names made safe to show (see core/text.h), once per group and span. Two names that differ
// only in bytes that were not text become one group.
void CleanNames(std::vector<GroupSamples>& groups) {
  bool merge = false;
  for (GroupSamples& group : groups) {
    if (!IsCleanText(group.name)) {
      group.name = CleanText(group.name);
      merge = true;
    }
    for (SpanTree& tree : group.trees) {
      for (SpanRecord& span : tree.spans) {
        if (!IsCleanText(span.op)) span.op = CleanText(span.op);
        if (!IsCleanText(span.description)) span.description = CleanText(span.description);
      }
    }
  }
  if (!merge) return;
  std::stable_sort(groups.begin(), groups.end(),
                   [](const GroupSamples& a, const GroupSamples& b) { return a.name < b.name; });
  std::vector<GroupSamples> merged;
  for (GroupSamples& group : groups) {
    if (merged.empty() || merged.back().name != group.name || group.aggregates ||
        merged.back().aggregates) {
      merged.push_back(std::move(group));
      continue;
    }
    AppendEvents(merged.back(), group);
  }
  groups = std::move(merged);
}

}  // namespace

SampleSet SampleSetBuilder::Build(std::string source) && {
  SampleSet set;
  set.source = std::move(source);
  set.groups = std::move(groups_);
  set.origin = std::move(origin_);
  set.origin.Sort();
  for (GroupSamples& group : set.groups) PadValues(group);
  CleanNames(set.groups);
  std::sort(set.groups.begin(), set.groups.end(),
            [](const GroupSamples& a, const GroupSamples& b) { return a.name < b.name; });
  return set;
}

std::size_t DropRepeatedEvents(SampleSet& set) {
  std::unordered_set<std::string> seen;
  std::size_t dropped = 0;
  for (GroupSamples& group : set.groups) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const std::string* id = nullptr;
      if (!group.details.empty() && !group.details[i].event_id.empty())
        id = &group.details[i].event_id;
      else if (!group.trees.empty() && !group.trees[i].event_id.empty())
        id = &group.trees[i].event_id;
      if (id != nullptr && !seen.insert(*id).second) {
        ++dropped;
        continue;
      }
      if (kept != i) {
        group.durations_ms[kept] = group.durations_ms[i];
        group.failed[kept] = group.failed[i];
        if (!group.trees.empty()) group.trees[kept] = std::move(group.trees[i]);
        if (!group.details.empty()) group.details[kept] = std::move(group.details[i]);
        for (auto& [name, column] : group.values) column.values[kept] = column.values[i];
      }
      ++kept;
    }
    group.durations_ms.resize(kept);
    group.failed.resize(kept);
    if (!group.trees.empty()) group.trees.resize(kept);
    if (!group.details.empty()) group.details.resize(kept);
    for (auto& [name, column] : group.values) column.values.resize(kept);
  }
  return dropped;
}

}  // namespace perfgate
