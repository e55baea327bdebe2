#include "explain/explanations.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"
#include "explain/span_groups.h"
#include "stats/random.h"

namespace perfgate::explain {
namespace {

bool NotPassed(gate::Verdict verdict) {
  return verdict == gate::Verdict::kFail || verdict == gate::Verdict::kWarn ||
         verdict == gate::Verdict::kInconclusive;
}

// Where a rule's statistic sits in the distribution: a percentile's level, 1 for max, and
// below every percentile for the mean and min.
double Level(const gate::RuleResult& rule) {
  switch (rule.rule.metric.kind) {
    case gate::MetricKind::kQuantile:
      return rule.rule.metric.q;
    case gate::MetricKind::kMax:
      return 1;
    case gate::MetricKind::kMean:
    case gate::MetricKind::kMin:
    case gate::MetricKind::kErrorRate:
    case gate::MetricKind::kApdex:
    case gate::MetricKind::kUserMisery:
    case gate::MetricKind::kThroughput:
      break;
  }
  return -1;
}

// The duration rule to explain: the worst one that did not pass (of equals, the highest
// percentile, then the first), else the group's first duration rule; nullptr when it has
// none.
const gate::RuleResult* RuleToExplain(const gate::GroupResult& group) {
  const gate::RuleResult* chosen = nullptr;
  for (const gate::RuleResult& rule : group.rules) {
    if (!rule.rule.metric.OfDuration() || !NotPassed(rule.verdict)) continue;
    if (chosen == nullptr) {
      chosen = &rule;
      continue;
    }
    const int rank = gate::VerdictRank(rule.verdict);
    const int chosen_rank = gate::VerdictRank(chosen->verdict);
    if (rank > chosen_rank || (rank == chosen_rank && Level(rule) > Level(*chosen))) chosen = &rule;
  }
  if (chosen != nullptr) return chosen;
  for (const gate::RuleResult& rule : group.rules) {
    if (rule.rule.metric.OfDuration()) return &rule;
  }
  return nullptr;
}

// The rows of `side` whose request took at least `from_ms`.
std::vector<std::size_t> RowsFrom(const Breakdowns& side, const GroupSamples& group,
                                  double from_ms) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < side.size(); ++r) {
    if (group.durations_ms[side.events[r]] >= from_ms) rows.push_back(r);
  }
  return rows;
}

// The ops request `row` of `side` spent most in, the largest first (up to three).
std::vector<std::pair<std::string, double>> TopOps(const PartTable& parts, const Breakdowns& side,
                                                   std::size_t row) {
  constexpr std::size_t kTopOps = 3;
  std::map<std::string, double> by_op;
  for (std::size_t k = side.offsets[row]; k < side.offsets[row + 1]; ++k)
    by_op[parts.Op(parts.OpOf(side.groups[k]))] += side.ms[k];
  std::vector<std::pair<std::string, double>> top(by_op.begin(), by_op.end());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > kTopOps) top.resize(kTopOps);
  return top;
}

// `exemplar`'s waterfall from `tree`: its spans depth first, children by start time (ties
// in tree order), times from the root's start, at most kExemplarSpans of them.
void SetWaterfall(Exemplar& exemplar, const SpanTree& tree) {
  exemplar.spans.clear();
  exemplar.span_count = tree.spans.size();
  if (tree.spans.empty()) return;
  std::vector<std::vector<std::size_t>> children(tree.spans.size());
  for (std::size_t i = 1; i < tree.spans.size(); ++i) {
    const long parent = tree.spans[i].parent;
    if (parent >= 0 && static_cast<std::size_t>(parent) < i)
      children[static_cast<std::size_t>(parent)].push_back(i);
  }
  for (std::vector<std::size_t>& kids : children) {
    std::stable_sort(kids.begin(), kids.end(), [&](std::size_t a, std::size_t b) {
      return tree.spans[a].start_ms < tree.spans[b].start_ms;
    });
  }
  const double origin = tree.spans[0].start_ms;
  std::vector<std::pair<std::size_t, int>> stack = {{0, 0}};  // span, depth
  while (!stack.empty() && exemplar.spans.size() < kExemplarSpans) {
    const auto [at, depth] = stack.back();
    stack.pop_back();
    const SpanRecord& span = tree.spans[at];
    exemplar.spans.push_back(
        {span.op, span.description, span.start_ms - origin, span.end_ms - origin, depth});
    for (auto kid = children[at].rbegin(); kid != children[at].rend(); ++kid)
      stack.emplace_back(*kid, depth + 1);
  }
}

Exemplar ExemplarOf(const PartTable& parts, const Breakdowns& side, std::size_t row,
                    const GroupSamples& group, bool baseline, const ExplainOptions& options) {
  Exemplar exemplar;
  exemplar.trace_id = group.trees[side.events[row]].trace_id;
  exemplar.event_id = group.trees[side.events[row]].event_id;
  exemplar.baseline = baseline;
  exemplar.duration_ms = group.durations_ms[side.events[row]];
  const auto no_slower = std::count_if(group.durations_ms.begin(), group.durations_ms.end(),
                                       [&](double ms) { return ms <= exemplar.duration_ms; });
  exemplar.percentile =
      100.0 * static_cast<double>(no_slower) / static_cast<double>(group.durations_ms.size());
  exemplar.top_ops = TopOps(parts, side, row);
  exemplar.url = TraceUrl(options.trace_url, exemplar.trace_id);
  SetWaterfall(exemplar, group.trees[side.events[row]]);
  return exemplar;
}

// The slowest candidate requests of `cand_rows`, then the baseline request nearest to
// `base_target_ms`.
std::vector<Exemplar> ExemplarsOf(const PartTable& parts, const Breakdowns& base,
                                  const GroupSamples& baseline, double base_target_ms,
                                  const Breakdowns& cand, std::span<const std::size_t> cand_rows,
                                  const GroupSamples& candidate, const ExplainOptions& options) {
  std::vector<std::size_t> slowest(cand_rows.begin(), cand_rows.end());
  auto duration = [&](std::size_t row) { return candidate.durations_ms[cand.events[row]]; };
  const std::size_t count = std::min(options.exemplars, slowest.size());
  std::partial_sort(slowest.begin(), slowest.begin() + static_cast<std::ptrdiff_t>(count),
                    slowest.end(), [&](std::size_t a, std::size_t b) {
                      return duration(a) != duration(b) ? duration(a) > duration(b) : a < b;
                    });
  std::vector<Exemplar> exemplars;
  for (std::size_t i = 0; i < count; ++i)
    exemplars.push_back(ExemplarOf(parts, cand, slowest[i], candidate, false, options));
  std::size_t nearest = 0;
  auto distance = [&](std::size_t row) {
    return std::abs(baseline.durations_ms[base.events[row]] - base_target_ms);
  };
  for (std::size_t row = 1; row < base.size(); ++row) {
    if (distance(row) < distance(nearest)) nearest = row;
  }
  if (base.size() > 0)
    exemplars.push_back(ExemplarOf(parts, base, nearest, baseline, true, options));
  return exemplars;
}

// Whether `group` is known as histogram bins or aggregates rather than events with spans.
bool Summarised(const GroupSamples& group) {
  return group.trees.empty() && (!group.bins.empty() || group.aggregates.has_value());
}

// `group`'s requests and their mean duration: its aggregates' where it has them (nullopt
// without Sentry's avg), else its events' (for bins, their midpoints: within the mean half
// bin width).
std::optional<std::pair<std::size_t, double>> RequestsAndMean(const GroupSamples& group) {
  if (group.aggregates) {
    if (!group.aggregates->mean_ms) return std::nullopt;
    return std::pair{group.aggregates->count, *group.aggregates->mean_ms};
  }
  if (group.durations_ms.empty()) return std::nullopt;
  double sum = 0;
  for (double ms : group.durations_ms) sum += ms;
  return std::pair{group.durations_ms.size(), sum / static_cast<double>(group.durations_ms.size())};
}

// The explanation by span group of every request, its causes to come from Sentry's spans
// dataset (see WithSentryDetails).
std::optional<Explanation> ByAggregates(const GroupSamples& baseline,
                                        const GroupSamples& candidate) {
  const auto base = RequestsAndMean(baseline);
  const auto cand = RequestsAndMean(candidate);
  if (!base || !cand) return std::nullopt;
  Explanation explanation;
  explanation.statistic = "mean";
  Decomposition& d = explanation.judged;
  d.method = Method::kSpanGroups;
  d.baseline_requests = base->first;
  d.candidate_requests = cand->first;
  d.baseline_ms = base->second;
  d.candidate_ms = cand->second;
  return explanation;
}

}  // namespace

std::string TraceUrl(const std::string& url_template, const std::string& trace_id) {
  static constexpr std::string_view kField = "{trace_id}";
  std::string url;
  std::size_t from = 0;
  for (std::size_t at; (at = url_template.find(kField, from)) != std::string::npos;
       from = at + kField.size())
    url += url_template.substr(from, at - from) + trace_id;
  return url + url_template.substr(from);
}

std::optional<Explanation> Explain(const gate::EvaluationResult& result,
                                   const gate::GroupResult& group, const GroupSamples& baseline,
                                   const GroupSamples& candidate, const ExplainOptions& options) {
  if (Summarised(baseline) || Summarised(candidate)) return ByAggregates(baseline, candidate);
  PartTable parts;
  const Breakdowns base = BreakDown(baseline, parts);
  const Breakdowns cand = BreakDown(candidate, parts);
  // Releases broken down by different methods (traces on one side, Sentry's ops breakdown
  // on the other) have no common parts to compare.
  if (base.size() == 0 || cand.size() == 0 || base.method != cand.method) return std::nullopt;
  const std::vector<std::size_t> base_all = AllRows(base);
  const std::vector<std::size_t> cand_all = AllRows(cand);
  IntervalOptions intervals;
  intervals.confidence = result.confidence;
  intervals.resamples = options.resamples;
  intervals.seed = stats::DeriveSeed(result.seed, stats::StreamId("explain " + group.name));

  Explanation explanation;
  explanation.statistic = "mean";
  explanation.judged = Decompose(parts, base, base_all, cand, cand_all, intervals);
  double base_target_ms = explanation.judged.baseline_ms;
  // The candidate requests the exemplars come from: every one, or the judged tail.
  std::span<const std::size_t> cand_rows = cand_all;
  std::vector<std::size_t> cand_tail;
  const gate::RuleResult* rule = RuleToExplain(group);
  const bool tail = rule != nullptr && rule->baseline && rule->candidate &&
                    (rule->rule.metric.kind == gate::MetricKind::kQuantile ||
                     rule->rule.metric.kind == gate::MetricKind::kMax);
  if (tail) {
    const std::vector<std::size_t> base_tail = RowsFrom(base, baseline, *rule->baseline);
    cand_tail = RowsFrom(cand, candidate, *rule->candidate);
    if (!base_tail.empty() && !cand_tail.empty()) {
      intervals.seed = stats::DeriveSeed(intervals.seed, 1);
      explanation.mean = std::move(explanation.judged);
      explanation.judged = Decompose(parts, base, base_tail, cand, cand_tail, intervals);
      explanation.statistic = rule->rule.metric.name;
      explanation.baseline_from_ms = *rule->baseline;
      explanation.candidate_from_ms = *rule->candidate;
      base_target_ms = *rule->baseline;
      cand_rows = cand_tail;
    }
  }
  explanation.exemplars =
      ExemplarsOf(parts, base, baseline, base_target_ms, cand, cand_rows, candidate, options);
  return explanation;
}

Explanations ExplainNotPassed(const gate::EvaluationResult& result, const SampleSet& baseline,
                              const SampleSet& candidate, const ExplainOptions& options) {
  struct Job {
    const gate::GroupResult* group;
    const GroupSamples* base;
    const GroupSamples* cand;
  };
  std::vector<Job> jobs;
  for (const gate::GroupResult& group : result.groups) {
    if (group.skipped) continue;
    const bool duration_not_passed =
        std::any_of(group.rules.begin(), group.rules.end(), [](const gate::RuleResult& rule) {
          return rule.rule.metric.OfDuration() && NotPassed(rule.verdict);
        });
    if (!duration_not_passed) continue;
    const GroupSamples* base = baseline.Find(group.name);
    const GroupSamples* cand = candidate.Find(group.name);
    if (base == nullptr || cand == nullptr) continue;
    const bool spans = !base->trees.empty() && !cand->trees.empty();
    if (!spans && !Summarised(*base) && !Summarised(*cand)) continue;
    jobs.push_back({&group, base, cand});
  }
  std::vector<std::optional<Explanation>> explained(jobs.size());
  ParallelFor(
      jobs.size(),
      [&](std::size_t i) {
        explained[i] = Explain(result, *jobs[i].group, *jobs[i].base, *jobs[i].cand, options);
      },
      0, 1, 2);
  Explanations explanations;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (explained[i]) explanations.emplace(jobs[i].group->name, std::move(*explained[i]));
  }
  return explanations;
}

namespace {

// Gives `exemplar` the top ops of `tree`, its own span tree, along the tree's critical path.
void SetExemplarTree(Exemplar& exemplar, const SpanTree& tree) {
  if (tree.spans.empty()) return;
  GroupSamples one;
  one.durations_ms.push_back(tree.spans[0].end_ms - tree.spans[0].start_ms);
  one.failed.push_back(0);
  one.trees.push_back(tree);
  PartTable parts;
  const Breakdowns breakdown = BreakDown(one, parts);
  exemplar.top_ops = TopOps(parts, breakdown, 0);
  exemplar.from_trace = true;
  SetWaterfall(exemplar, tree);
}

// Each span group's self time per request on each side (summed over the release, divided
// by its transactions), by op and normalised group; a side without transactions adds none.
using GroupTimes = std::map<std::pair<std::string, std::string>, std::pair<double, double>>;
GroupTimes PerRequestTimes(const SpanGroupTotals& baseline, const SpanGroupTotals& candidate) {
  GroupTimes times;
  auto add = [&](const SpanGroupTotals& side, bool is_candidate) {
    if (!(side.transactions > 0)) return;
    for (const SpanGroupTotal& group : side.groups) {
      auto& [base_ms, cand_ms] = times[{group.op, SpanGroup(group.op, group.description)}];
      (is_candidate ? cand_ms : base_ms) += group.self_time_ms / side.transactions;
    }
  };
  add(baseline, false);
  add(candidate, true);
  return times;
}

// A part known from aggregates only, of a change in mean duration of `change` ms: without
// an interval, so new, vanished or untested.
Cause AggregateCause(std::string op, std::string description, double base_ms, double cand_ms,
                     double change) {
  Cause part;
  part.op = std::move(op);
  part.description = std::move(description);
  part.baseline_ms = base_ms;
  part.candidate_ms = cand_ms;
  part.change_ms = cand_ms - base_ms;
  part.share = change != 0 ? part.change_ms / change : 0;
  part.status = base_ms == 0   ? CauseStatus::kNew
                : cand_ms == 0 ? CauseStatus::kVanished
                               : CauseStatus::kUntested;
  return part;
}

// `groups` ranked, the kSpanGroupsPerFamily largest increases kept.
void KeepLargest(std::vector<Cause>& groups) {
  RankCauses(groups);
  if (groups.size() > kSpanGroupsPerFamily) groups.resize(kSpanGroupsPerFamily);
}

// Adds the span groups to the op families of `why` (see WithSentryDetails).
void AddSpanGroups(Explanation& why, const SpanGroupTotals& baseline,
                   const SpanGroupTotals& candidate) {
  Decomposition& every = why.mean ? *why.mean : why.judged;
  if (every.method != Method::kOpsBreakdown) return;
  const GroupTimes times = PerRequestTimes(baseline, candidate);
  const double change = every.candidate_ms - every.baseline_ms;
  for (Cause& family : every.causes) {
    family.groups.clear();
    for (const auto& [key, ms] : times) {
      if (OpFamily(key.first) == family.op)
        family.groups.push_back(AggregateCause(key.first, key.second, ms.first, ms.second, change));
    }
    KeepLargest(family.groups);
  }
}

// The causes of an explanation by span group (see WithSentryDetails); false when a side
// holds no transaction.
bool SetSpanGroupCauses(Decomposition& d, const SpanGroupTotals& baseline,
                        const SpanGroupTotals& candidate) {
  if (!(baseline.transactions > 0) || !(candidate.transactions > 0)) return false;
  const GroupTimes times = PerRequestTimes(baseline, candidate);
  const double change = d.candidate_ms - d.baseline_ms;
  d.causes.clear();
  double base_spans = 0, cand_spans = 0;
  // The map runs op by op: each op's groups, then the op's total.
  for (auto at = times.begin(); at != times.end();) {
    const std::string op = at->first.first;
    double base_ms = 0, cand_ms = 0;
    std::vector<Cause> groups;
    for (; at != times.end() && at->first.first == op; ++at) {
      const auto& [group_base, group_cand] = at->second;
      base_ms += group_base;
      cand_ms += group_cand;
      groups.push_back(AggregateCause(op, at->first.second, group_base, group_cand, change));
    }
    KeepLargest(groups);
    d.causes.push_back(AggregateCause(op, "", base_ms, cand_ms, change));
    d.causes.back().groups = std::move(groups);
    base_spans += base_ms;
    cand_spans += cand_ms;
  }
  d.causes.push_back(AggregateCause(std::string(kUnattributed), "", d.baseline_ms - base_spans,
                                    d.candidate_ms - cand_spans, change));
  d.causes.back().status = CauseStatus::kUntested;
  RankCauses(d.causes);
  return true;
}

}  // namespace

DetailsWanted WantedDetails(const Explanation& why) {
  DetailsWanted wanted;
  if (why.judged.method == Method::kSpanGroups) {
    wanted.span_groups = true;
    return wanted;
  }
  if (why.judged.method != Method::kOpsBreakdown) return wanted;
  wanted.span_groups = true;
  for (const Exemplar& exemplar : why.exemplars) {
    if (!exemplar.trace_id.empty() && !exemplar.event_id.empty())
      wanted.traces.push_back({exemplar.trace_id, exemplar.event_id, exemplar.baseline});
  }
  return wanted;
}

std::optional<Explanation> WithSentryDetails(Explanation why, const SentryDetails& details) {
  if (why.judged.method == Method::kSpanGroups) {
    if (!details.baseline_groups || !details.candidate_groups ||
        !SetSpanGroupCauses(why.judged, *details.baseline_groups, *details.candidate_groups))
      return std::nullopt;
    return why;
  }
  if (why.judged.method != Method::kOpsBreakdown) return why;
  for (Exemplar& exemplar : why.exemplars) {
    auto tree = details.trees.find(exemplar.event_id);
    if (tree != details.trees.end()) SetExemplarTree(exemplar, tree->second);
  }
  if (details.baseline_groups && details.candidate_groups)
    AddSpanGroups(why, *details.baseline_groups, *details.candidate_groups);
  return why;
}

}  // namespace perfgate::explain
