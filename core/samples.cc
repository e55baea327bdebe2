#include "core/samples.h"

#include <algorithm>
#include <numeric>

namespace perfgate {

std::size_t GroupSamples::Failures() const {
  return static_cast<std::size_t>(std::count(failed.begin(), failed.end(), std::uint8_t{1}));
}

std::size_t SampleSet::TotalEvents() const {
  std::size_t total = 0;
  for (const GroupSamples& group : groups) total += group.size();
  return total;
}

const GroupSamples* SampleSet::Find(std::string_view name) const {
  auto it = std::lower_bound(groups.begin(), groups.end(), name,
                             [](const GroupSamples& g, std::string_view n) { return g.name < n; });
  return it != groups.end() && it->name == name ? &*it : nullptr;
}

GroupSamples MergeGroups(const SampleSet& set, std::string name) {
  GroupSamples merged;
  merged.name = std::move(name);
  merged.durations_ms.reserve(set.TotalEvents());
  merged.failed.reserve(set.TotalEvents());
  for (const GroupSamples& group : set.groups) {
    merged.durations_ms.insert(merged.durations_ms.end(), group.durations_ms.begin(),
                               group.durations_ms.end());
    merged.failed.insert(merged.failed.end(), group.failed.begin(), group.failed.end());
  }
  return merged;
}

void SampleSetBuilder::Add(std::string_view group, double duration_ms, bool failed) {
  if (last_ >= groups_.size() || groups_[last_].name != group) {
    auto it = index_.find(group);
    if (it == index_.end()) {
      it = index_.emplace(std::string(group), groups_.size()).first;
      groups_.push_back(GroupSamples{std::string(group), {}, {}});
    }
    last_ = it->second;
  }
  GroupSamples& target = groups_[last_];
  target.durations_ms.push_back(duration_ms);
  target.failed.push_back(failed ? 1 : 0);
  ++events_;
}

void SampleSetBuilder::Append(SampleSetBuilder&& other) {
  for (GroupSamples& group : other.groups_) {
    auto it = index_.find(group.name);
    if (it == index_.end()) {
      index_.emplace(group.name, groups_.size());
      groups_.push_back(std::move(group));
      continue;
    }
    GroupSamples& target = groups_[it->second];
    target.durations_ms.insert(target.durations_ms.end(), group.durations_ms.begin(),
                               group.durations_ms.end());
    target.failed.insert(target.failed.end(), group.failed.begin(), group.failed.end());
  }
  events_ += other.events_;
  other = SampleSetBuilder();
}

SampleSet SampleSetBuilder::Build(std::string source) && {
  SampleSet set;
  set.source = std::move(source);
  set.groups = std::move(groups_);
  std::sort(set.groups.begin(), set.groups.end(),
            [](const GroupSamples& a, const GroupSamples& b) { return a.name < b.name; });
  return set;
}

}  // namespace perfgate
