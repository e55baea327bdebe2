#include "gate/unit_check.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/quantile.h"

namespace perfgate::gate {
namespace {

// The middle of a group's durations (the upper middle for an even count: a screening
// value, not a reported statistic), or Sentry's p50 for an aggregated group.
std::optional<double> TypicalMs(const GroupSamples& group) {
  if (group.aggregates) {
    auto p50 = group.aggregates->quantiles_ms.find(0.5);
    if (p50 == group.aggregates->quantiles_ms.end()) return std::nullopt;
    return p50->second;
  }
  if (group.durations_ms.empty()) return std::nullopt;
  std::vector<double> copy = group.durations_ms;
  auto middle = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
  std::nth_element(copy.begin(), middle, copy.end());
  return *middle;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return stats::QuantileOfSorted(values, 0.5, stats::QuantileMethod::kLinear);
}

}  // namespace

std::optional<UnitMismatch> FindUnitMismatch(const SampleSet& baseline,
                                             const SampleSet& candidate) {
  std::vector<double> log_ratios;
  std::vector<double> baseline_typical;
  std::vector<double> candidate_typical;
  for (const GroupSamples& group : candidate.groups) {
    const GroupSamples* before = baseline.Find(group.name);
    if (before == nullptr) continue;
    std::optional<double> b = TypicalMs(*before);
    std::optional<double> c = TypicalMs(group);
    // A zero middle (a health check timed at 0 ms) has no ratio.
    if (!b || !c || *b <= 0 || *c <= 0) continue;
    log_ratios.push_back(std::log10(*c / *b));
    baseline_typical.push_back(std::log10(*b));
    candidate_typical.push_back(std::log10(*c));
  }
  if (log_ratios.empty()) return std::nullopt;
  const double middle = Median(log_ratios);
  const double factor = std::round(middle / 3) * 3;
  // log10(4) = 0.6: "within a factor of 4" of the power of 1000.
  if (factor == 0 || std::abs(factor) > 6 || std::abs(middle - factor) > 0.6) return std::nullopt;
  UnitMismatch found;
  found.candidate_to_baseline_log10 = static_cast<int>(factor);
  found.transactions = log_ratios.size();
  found.agreeing = static_cast<std::size_t>(std::count_if(
      log_ratios.begin(), log_ratios.end(), [&](double r) { return std::abs(r - factor) <= 1; }));
  if (found.agreeing * 4 < found.transactions * 3) return std::nullopt;
  found.median_ratio = std::pow(10.0, middle);
  // 100 ms (10^2) is what a transaction timed in ms typically takes; the side further from
  // it is taken for the one in another unit.
  const double baseline_off = std::abs(Median(baseline_typical) - 2);
  const double candidate_off = std::abs(Median(candidate_typical) - 2);
  found.candidate_looks_wrong = candidate_off >= baseline_off;
  const int odd = found.candidate_looks_wrong ? found.candidate_to_baseline_log10
                                              : -found.candidate_to_baseline_log10;
  found.odd_unit = odd == -3 ? "s" : odd == 3 ? "us" : odd == 6 ? "ns" : "";
  return found;
}

std::optional<BareLimitSuspect> FindBareLimitSuspect(const EvaluationResult& result) {
  struct Seen {
    const Rule* rule;
    std::vector<double> values;
  };
  std::vector<Seen> rules;  // one per rule origin, in the order first judged
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& judged : group.rules) {
      const Rule& rule = judged.rule;
      if (!rule.bare_number || rule.kind != LimitKind::kMax || !rule.metric.InMilliseconds() ||
          !judged.candidate || rule.limit <= 0) {
        continue;
      }
      auto same = [&](const Seen& seen) {
        return seen.rule->origin.file == rule.origin.file &&
               seen.rule->origin.line == rule.origin.line &&
               seen.rule->origin.column == rule.origin.column;
      };
      auto at = std::find_if(rules.begin(), rules.end(), same);
      if (at == rules.end()) at = rules.insert(rules.end(), Seen{&rule, {}});
      at->values.push_back(*judged.candidate);
    }
  }
  std::optional<BareLimitSuspect> first;
  for (const Seen& seen : rules) {
    const double limit = seen.rule->limit;
    const bool all_over = std::all_of(seen.values.begin(), seen.values.end(),
                                      [&](double value) { return value > limit; });
    const double median = Median(seen.values);
    if (!all_over || median <= 100 * limit) continue;
    if (!first || seen.rule->origin.line < first->rule.origin.line)
      first = BareLimitSuspect{*seen.rule, seen.values.size(), median};
  }
  return first;
}

}  // namespace perfgate::gate
