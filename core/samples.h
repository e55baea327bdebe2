// The sample model shared by the readers (fetch/) and the rule engine (gate/): transaction
// events kept columnar per group, so statistics run on contiguous spans. It knows nothing
// about where samples came from or how they are judged.
#ifndef PERFGATE_CORE_SAMPLES_H_
#define PERFGATE_CORE_SAMPLES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// All events of one group (one transaction name, or the whole release).
// durations_ms[i] and failed[i] describe the same event, in input order.
struct GroupSamples {
  std::string name;
  std::vector<double> durations_ms;  // each finite and >= 0
  std::vector<std::uint8_t> failed;  // 1 when the event failed (Sentry's failure_rate())

  std::size_t size() const { return durations_ms.size(); }
  std::size_t Failures() const;
};

// The events of one release, grouped by transaction name, plus what reading skipped.
struct SampleSet {
  std::string source;               // as the user named it: a path or sentry:RELEASE
  std::vector<GroupSamples> groups;  // sorted by name, names unique
  std::size_t skipped_rows = 0;     // bad rows dropped under --on-bad-row=skip
  std::vector<std::string> skipped_examples;  // the first few, "file:line: reason"
  std::vector<std::string> notes;  // what a report must say about the source (a sample cap)

  std::size_t TotalEvents() const;
  // The group named `name`, or nullptr.
  const GroupSamples* Find(std::string_view name) const;
};

// Every event of `set` as one group named `name`, groups concatenated in name order.
GroupSamples MergeGroups(const SampleSet& set, std::string name);

// Collects events in any order and hands out a SampleSet with groups sorted by name.
// Appending a builder keeps each group's events in the order they were added.
class SampleSetBuilder {
 public:
  void Add(std::string_view group, double duration_ms, bool failed);
  // Moves every event of `other` after this builder's events of the same group.
  void Append(SampleSetBuilder&& other);
  std::size_t size() const { return events_; }
  SampleSet Build(std::string source) &&;

 private:
  // The group named `name`, created when new. An open-addressing table (power-of-two size,
  // linear probing) rather than std::unordered_map: this runs once per input row, and the
  // map's prime-modulo bucket index costs a division per lookup.
  std::size_t GroupIndex(std::string_view name);
  void Grow();

  std::vector<GroupSamples> groups_;
  std::vector<std::uint32_t> slots_;  // group index + 1; 0 is an empty slot
  std::size_t last_ = static_cast<std::size_t>(-1);  // the group used last, a cheap cache
  std::size_t events_ = 0;
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_SAMPLES_H_
