#include "gate/sequential.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "gate/evaluate.h"
#include "gate/metric.h"
#include "stats/anytime.h"

namespace perfgate::gate {
namespace {

// The values `metric` is a statistic of in `group`, sorted: the durations, or a value each
// event carries (events without it left out).
std::vector<double> SortedValues(const Metric& metric, const GroupSamples* group) {
  std::vector<double> values;
  if (group == nullptr) return values;
  if (metric.value.empty()) {
    values = group->durations_ms;
  } else if (const auto found = group->values.find(metric.value); found != group->values.end()) {
    for (double value : found->second.values)
      if (!std::isnan(value)) values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  return values;
}

bool QuantileChange(const Rule& rule) {
  return IsRelative(rule.kind) && rule.unit == ChangeUnit::kRelative &&
         rule.metric.kind == MetricKind::kQuantile && rule.metric.q > 0 && rule.metric.q < 1 &&
         !rule.metric.OfSamples() && rule.metric.value != kPerformanceScore &&
         (rule.kind == LimitKind::kMaxIncrease || rule.limit < 1);
}

bool RateIncrease(const Rule& rule) {
  return rule.kind == LimitKind::kMaxIncrease && rule.metric.kind == MetricKind::kErrorRate;
}

// The evidence of a regression and of its absence for one rule, from the samples so far;
// nullopt when a side has nothing the rule judges.
struct Evidence {
  double regression = 0;
  double absence = 0;
};

std::optional<Evidence> Measure(const Rule& rule, const GroupSamples* baseline,
                                const GroupSamples* candidate) {
  Evidence out;
  if (const std::optional<double> allowed = AllowedShare(rule)) {
    if (candidate == nullptr) return std::nullopt;
    const stats::CountWindow hits = CountHits(rule, *candidate);
    if (hits.trials == 0) return std::nullopt;
    out.regression = stats::ExceedanceLogE(hits.hits, hits.trials, *allowed);
    out.absence = stats::ExceedanceLogE(hits.trials - hits.hits, hits.trials, 1 - *allowed);
    return out;
  }
  if (QuantileChange(rule)) {
    const std::vector<double> base = SortedValues(rule.metric, baseline);
    const std::vector<double> cand = SortedValues(rule.metric, candidate);
    if (base.empty() || cand.empty()) return std::nullopt;
    const double q = rule.metric.q;
    // A regression is the candidate's quantile beyond the tolerance's ratio of the
    // baseline's: over 1 + t times it (max_increase), or under 1 - t times it.
    if (rule.kind == LimitKind::kMaxIncrease) {
      out.regression = stats::QuantileRatioLogE(cand, base, q, 1 + rule.limit);
      out.absence = stats::QuantileRatioLogE(base, cand, q, 1 / (1 + rule.limit));
    } else {
      out.regression = stats::QuantileRatioLogE(base, cand, q, 1 / (1 - rule.limit));
      out.absence = stats::QuantileRatioLogE(cand, base, q, 1 - rule.limit);
    }
    return out;
  }
  if (RateIncrease(rule)) {
    if (baseline == nullptr || candidate == nullptr) return std::nullopt;
    const stats::CountWindow base = CountHits(rule, *baseline), cand = CountHits(rule, *candidate);
    if (base.trials == 0 || cand.trials == 0) return std::nullopt;
    const bool relative = rule.unit == ChangeUnit::kRelative;
    const double ratio = relative ? 1 + rule.limit : 1, offset = relative ? 0 : rule.limit;
    out.regression =
        stats::RateRatioLogE(cand.hits, cand.trials, base.hits, base.trials, ratio, offset);
    // Its absence: the baseline's rate above (the candidate's - offset) / ratio refuted.
    out.absence = stats::RateRatioLogE(base.hits, base.trials, cand.hits, cand.trials, 1 / ratio,
                                       -offset / ratio);
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> AllowedShare(const Rule& rule) {
  if (IsRelative(rule.kind)) return std::nullopt;
  const Metric& metric = rule.metric;
  if (metric.kind == MetricKind::kErrorRate) {
    if (rule.kind != LimitKind::kMax || !(rule.limit > 0 && rule.limit < 1)) return std::nullopt;
    return rule.limit;
  }
  if (metric.kind != MetricKind::kQuantile || !(metric.q > 0 && metric.q < 1) ||
      metric.OfSamples() || metric.value == kPerformanceScore) {
    return std::nullopt;
  }
  return IsFloor(rule.kind) ? metric.q : 1 - metric.q;
}

stats::CountWindow CountHits(const Rule& rule, const GroupSamples& group, double after) {
  const bool timed = std::isfinite(after);
  stats::CountWindow counts;
  if (rule.metric.kind == MetricKind::kErrorRate) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (timed && !(*group.details[i].timestamp > after)) continue;
      counts.trials += 1;
      counts.hits += group.failed[i] != 0 ? 1 : 0;
    }
    return counts;
  }
  const ValueColumn* column = nullptr;
  if (!rule.metric.value.empty()) {
    const auto found = group.values.find(rule.metric.value);
    if (found == group.values.end()) return counts;
    column = &found->second;
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (timed && !(*group.details[i].timestamp > after)) continue;
    const double value = column != nullptr ? column->values[i] : group.durations_ms[i];
    if (std::isnan(value)) continue;
    counts.trials += 1;
    counts.hits += (IsFloor(rule.kind) ? value < rule.limit : value > rule.limit) ? 1 : 0;
  }
  return counts;
}

bool HasSequentialTest(const Rule& rule) {
  return AllowedShare(rule) || QuantileChange(rule) || RateIncrease(rule);
}

bool SequentialLook::AbsenceProven(const EvaluationResult& result) const {
  if (unsequenced_fail_rules > 0) return false;
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& rule : group.rules) {
      if (rule.rule.severity != Severity::kFail || !HasSequentialTest(rule.rule)) continue;
      if (!rule.anytime || !rule.anytime->absence_log_e ||
          *rule.anytime->absence_log_e < rule.anytime->log_needed) {
        return false;
      }
    }
  }
  return true;
}

SequentialLook JudgeSequentially(EvaluationResult& result, const SampleSet& baseline,
                                 const SampleSet& candidate, double alpha,
                                 SequentialMemory& memory) {
  SequentialLook look;
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& rule : group.rules) {
      if (HasSequentialTest(rule.rule)) {
        ++look.family;
      } else if (rule.rule.severity == Severity::kFail && !group.skipped) {
        ++look.unsequenced_fail_rules;
      }
    }
  }
  look.family = std::max<std::size_t>(look.family, 1);
  look.log_needed = std::log(static_cast<double>(look.family) / alpha);
  double nearest_gap = 1e300;
  for (GroupResult& group : result.groups) {
    const GroupSamples* base = baseline.Find(group.name);
    const GroupSamples* cand = candidate.Find(group.name);
    for (std::size_t i = 0; i < group.rules.size(); ++i) {
      RuleResult& rule = group.rules[i];
      if (!HasSequentialTest(rule.rule) || group.skipped) continue;
      SequentialMemory::Largest& largest =
          memory.largest[group.name + "\n" + std::to_string(i) + "\n" + rule.limit_text];
      if (const std::optional<Evidence> evidence = Measure(rule.rule, base, cand)) {
        largest.regression = std::max(largest.regression, evidence->regression);
        largest.absence = std::max(largest.absence, evidence->absence);
      }
      AnytimeEvidence anytime;
      anytime.log_e = largest.regression;
      anytime.absence_log_e = largest.absence;
      anytime.log_needed = look.log_needed;
      anytime.family = look.family;
      anytime.allowed_share = AllowedShare(rule.rule).value_or(0);
      anytime.look_events = rule.candidate_n;
      const bool regressed = anytime.proven();
      const bool cleared = !regressed && largest.absence >= look.log_needed;
      // Undecided: inconclusive where this look's own test saw something (a failure, a
      // warning, an interval over the limit); where it saw nothing, its verdict stands, so
      // the undecided rules of quiet transactions do not bury the findings.
      const Verdict seen = rule.verdict == Verdict::kWaived ? rule.waived_verdict : rule.verdict;
      const Verdict verdict =
          regressed ? (rule.rule.severity == Severity::kFail ? Verdict::kFail : Verdict::kWarn)
          : cleared ? Verdict::kPass
          : (seen == Verdict::kPass || seen == Verdict::kInsufficientData) ? seen
                                                                           : Verdict::kInconclusive;
      if (rule.verdict == Verdict::kWaived) {
        rule.waived_verdict = verdict;
      } else {
        rule.verdict = verdict;
      }
      rule.caveat = Caveat::kNone;
      rule.anytime = anytime;
      if (regressed && rule.rule.severity == Severity::kFail) ++look.regressed;
      if (cleared) ++look.cleared;
      if (!regressed && !cleared) {
        ++look.undecided;
        const double gap = look.log_needed - std::max(largest.regression, largest.absence);
        if (gap < nearest_gap) {
          nearest_gap = gap;
          look.nearest = group.name + " " + rule.rule.metric.name;
          look.nearest_toward_regression = largest.regression >= largest.absence;
          look.nearest_log_e = std::max(largest.regression, largest.absence);
        }
      }
    }
  }
  SettleVerdicts(result);
  return look;
}

void SettleVerdicts(EvaluationResult& result) {
  for (GroupResult& group : result.groups) {
    group.verdict = Verdict::kPass;
    for (const RuleResult& rule : group.rules)
      if (VerdictRank(rule.verdict) > VerdictRank(group.verdict)) group.verdict = rule.verdict;
  }
  result.outcome = DecideOutcome(result);
}

void MarkUndecidedInconclusive(EvaluationResult& result) {
  for (GroupResult& group : result.groups) {
    for (RuleResult& rule : group.rules) {
      if (!rule.anytime || !rule.anytime->absence_log_e || rule.anytime->proven() ||
          *rule.anytime->absence_log_e >= rule.anytime->log_needed ||
          rule.rule.severity != Severity::kFail) {
        continue;
      }
      (rule.verdict == Verdict::kWaived ? rule.waived_verdict : rule.verdict) =
          Verdict::kInconclusive;
    }
  }
  SettleVerdicts(result);
}

}  // namespace perfgate::gate
