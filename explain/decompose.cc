#include "explain/decompose.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "explain/critical_path.h"
#include "explain/span_groups.h"
#include "stats/random.h"

namespace perfgate::explain {

std::uint32_t PartTable::GroupId(std::string_view op, std::string_view group) {
  auto op_it = op_ids_.find(op);
  if (op_it == op_ids_.end()) {
    op_it = op_ids_.emplace(std::string(op), static_cast<std::uint32_t>(ops_.size())).first;
    ops_.emplace_back(op);
    group_ids_.emplace_back();
  }
  const std::uint32_t op_id = op_it->second;
  std::map<std::string, std::uint32_t, std::less<>>& ids = group_ids_[op_id];
  auto group_it = ids.find(group);
  if (group_it == ids.end()) {
    group_it = ids.emplace(std::string(group), static_cast<std::uint32_t>(group_op_.size())).first;
    group_op_.push_back(op_id);
    group_names_.emplace_back(group);
  }
  return group_it->second;
}

namespace {

// Adds one request's parts, sorted by group and merged, to `out`.
void AddRequest(Breakdowns& out, std::size_t event, double duration_ms,
                std::vector<std::pair<std::uint32_t, double>>& entries) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < entries.size(); ++k) {
    if (k > 0 && entries[k].first == entries[k - 1].first) {
      out.ms.back() += entries[k].second;
      continue;
    }
    out.groups.push_back(entries[k].first);
    out.ms.push_back(entries[k].second);
  }
  out.events.push_back(event);
  out.duration_ms.push_back(duration_ms);
  out.offsets.push_back(out.groups.size());
}

// The ops breakdowns of `group`'s events: each family's time, and the rest of the
// duration (below 0 where families overlapped) as kUnattributed.
Breakdowns BreakDownOps(const GroupSamples& group, PartTable& parts) {
  Breakdowns out;
  out.method = Method::kOpsBreakdown;
  const std::uint32_t unattributed = parts.GroupId(kUnattributed, "");
  std::vector<std::pair<std::uint32_t, double>> entries;
  for (std::size_t event = 0; event < group.trees.size(); ++event) {
    const std::vector<OpTime>& op_times = group.trees[event].op_times;
    if (op_times.empty()) continue;
    entries.clear();
    double rest = group.durations_ms[event];
    for (const OpTime& part : op_times) {
      entries.emplace_back(parts.GroupId(part.op, ""), part.ms);
      rest -= part.ms;
    }
    entries.emplace_back(unattributed, rest);
    AddRequest(out, event, group.durations_ms[event], entries);
  }
  return out;
}

}  // namespace

Breakdowns BreakDown(const GroupSamples& group, PartTable& parts) {
  const bool trees = std::any_of(group.trees.begin(), group.trees.end(),
                                 [](const SpanTree& tree) { return !tree.spans.empty(); });
  if (!trees) return BreakDownOps(group, parts);
  Breakdowns out;
  const std::uint32_t unattributed = parts.GroupId(kUnattributed, "");
  std::vector<TreeSpan> tree;
  std::vector<std::pair<std::uint32_t, double>> entries;
  // Spans of one tree with the same op and description share a group: look each pair up
  // once per tree, not once per span.
  std::map<std::pair<std::string_view, std::string_view>, std::uint32_t> tree_ids;
  for (std::size_t event = 0; event < group.trees.size(); ++event) {
    const std::vector<SpanRecord>& spans = group.trees[event].spans;
    if (spans.empty()) continue;
    tree.clear();
    for (const SpanRecord& span : spans) tree.push_back({span.parent, span.start_ms, span.end_ms});
    const std::vector<double> times = CriticalPathTimes(tree);
    entries.clear();
    tree_ids.clear();
    entries.emplace_back(unattributed, times[0]);
    for (std::size_t i = 1; i < times.size(); ++i) {
      if (times[i] == 0) continue;  // not waited on
      auto [it, added] = tree_ids.try_emplace({spans[i].op, spans[i].description}, 0);
      if (added)
        it->second = parts.GroupId(spans[i].op, SpanGroup(spans[i].op, spans[i].description));
      entries.emplace_back(it->second, times[i]);
    }
    AddRequest(out, event, spans[0].end_ms - spans[0].start_ms, entries);
  }
  return out;
}

std::vector<std::size_t> AllRows(const Breakdowns& breakdowns) {
  std::vector<std::size_t> rows(breakdowns.size());
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  return rows;
}

namespace {

// The columns a decomposition measures: every span group, then every op (the sum of its
// groups), then the whole duration.
struct Columns {
  std::size_t groups = 0;
  std::size_t ops = 0;
  std::size_t Op(std::size_t op) const { return groups + op; }
  std::size_t Total() const { return groups + ops; }
  std::size_t size() const { return groups + ops + 1; }
};

// One side's requests as rows of (column, value), each column at most once per row.
struct Rows {
  std::vector<std::size_t> offsets{0};
  std::vector<std::uint32_t> columns;
  std::vector<double> values;
  std::size_t size() const { return offsets.size() - 1; }
};

Rows ToColumns(const PartTable& parts, const Columns& columns, const Breakdowns& side,
               std::span<const std::size_t> rows) {
  Rows out;
  std::vector<double> op_ms(columns.ops, 0.0);
  std::vector<std::uint32_t> touched;
  for (const std::size_t r : rows) {
    touched.clear();
    for (std::size_t k = side.offsets[r]; k < side.offsets[r + 1]; ++k) {
      out.columns.push_back(side.groups[k]);
      out.values.push_back(side.ms[k]);
      const auto op = static_cast<std::uint32_t>(parts.OpOf(side.groups[k]));
      if (op_ms[op] == 0) touched.push_back(op);
      op_ms[op] += side.ms[k];
    }
    for (const std::uint32_t op : touched) {
      out.columns.push_back(static_cast<std::uint32_t>(columns.Op(op)));
      out.values.push_back(op_ms[op]);
      op_ms[op] = 0;
    }
    out.columns.push_back(static_cast<std::uint32_t>(columns.Total()));
    out.values.push_back(side.duration_ms[r]);
    out.offsets.push_back(out.columns.size());
  }
  return out;
}

// Per column: the mean over the rows, and the exact bootstrap variance of that mean (the
// plug-in variance over n).
struct Moments {
  std::vector<double> mean;
  std::vector<double> variance_of_mean;
};

Moments MomentsOf(const Rows& rows, std::size_t width) {
  std::vector<double> sum(width, 0.0);
  std::vector<double> squares(width, 0.0);
  for (std::size_t k = 0; k < rows.columns.size(); ++k) {
    sum[rows.columns[k]] += rows.values[k];
    squares[rows.columns[k]] += rows.values[k] * rows.values[k];
  }
  const auto n = static_cast<double>(rows.size());
  Moments moments{std::vector<double>(width), std::vector<double>(width)};
  for (std::size_t c = 0; c < width; ++c) {
    moments.mean[c] = sum[c] / n;
    moments.variance_of_mean[c] =
        std::max(0.0, squares[c] / n - moments.mean[c] * moments.mean[c]) / n;
  }
  return moments;
}

// `resamples` bootstrap means of every column, replicate b's at [b * width, (b + 1) * width).
std::vector<double> BootstrapMeans(const Rows& rows, std::size_t width, int resamples,
                                   std::uint64_t seed) {
  stats::Random random(seed);
  const std::size_t n = rows.size();
  std::vector<double> means(static_cast<std::size_t>(resamples) * width, 0.0);
  for (std::size_t b = 0; b < static_cast<std::size_t>(resamples); ++b) {
    double* replicate = means.data() + b * width;
    for (std::size_t draw = 0; draw < n; ++draw) {
      const std::size_t r = random.Below(n);
      for (std::size_t k = rows.offsets[r]; k < rows.offsets[r + 1]; ++k)
        replicate[rows.columns[k]] += rows.values[k];
    }
    for (std::size_t c = 0; c < width; ++c) replicate[c] /= static_cast<double>(n);
  }
  return means;
}

// The interval of each column's change (candidate mean - baseline mean).
std::vector<stats::Interval> ChangeIntervals(const Rows& base, const Moments& base_moments,
                                             const Rows& cand, const Moments& cand_moments,
                                             std::size_t width, const IntervalOptions& options,
                                             bool bootstrap) {
  std::vector<stats::Interval> intervals(width);
  if (!bootstrap) {
    const double z = boost::math::quantile(boost::math::normal(), (1 + options.confidence) / 2);
    for (std::size_t c = 0; c < width; ++c) {
      const double change = cand_moments.mean[c] - base_moments.mean[c];
      const double se =
          std::sqrt(base_moments.variance_of_mean[c] + cand_moments.variance_of_mean[c]);
      intervals[c] = {change - z * se, change + z * se};
    }
    return intervals;
  }
  const std::vector<double> base_means =
      BootstrapMeans(base, width, options.resamples, stats::DeriveSeed(options.seed, 0));
  const std::vector<double> cand_means =
      BootstrapMeans(cand, width, options.resamples, stats::DeriveSeed(options.seed, 1));
  std::vector<double> changes(static_cast<std::size_t>(options.resamples));
  for (std::size_t c = 0; c < width; ++c) {
    for (std::size_t b = 0; b < changes.size(); ++b)
      changes[b] = cand_means[b * width + c] - base_means[b * width + c];
    intervals[c] = stats::PercentileInterval(changes, options.confidence);
  }
  return intervals;
}

CauseStatus StatusOf(double baseline_ms, double candidate_ms, const stats::Interval& ci) {
  if (baseline_ms == 0 && candidate_ms > 0) return CauseStatus::kNew;
  if (candidate_ms == 0 && baseline_ms > 0) return CauseStatus::kVanished;
  if (ci.lower > 0) return CauseStatus::kSlower;
  if (ci.upper < 0) return CauseStatus::kFaster;
  return CauseStatus::kUnchanged;
}

}  // namespace

void RankCauses(std::vector<Cause>& causes) {
  std::sort(causes.begin(), causes.end(), [](const Cause& a, const Cause& b) {
    if (a.change_ms != b.change_ms) return a.change_ms > b.change_ms;
    return std::tie(a.op, a.description) < std::tie(b.op, b.description);
  });
}

Decomposition Decompose(const PartTable& parts, const Breakdowns& base,
                        std::span<const std::size_t> base_rows, const Breakdowns& cand,
                        std::span<const std::size_t> cand_rows, const IntervalOptions& options) {
  const Columns columns{parts.Groups(), parts.Ops()};
  const Rows base_columns = ToColumns(parts, columns, base, base_rows);
  const Rows cand_columns = ToColumns(parts, columns, cand, cand_rows);
  const Moments base_moments = MomentsOf(base_columns, columns.size());
  const Moments cand_moments = MomentsOf(cand_columns, columns.size());
  const bool bootstrap = std::max(base_rows.size(), cand_rows.size()) <= options.bootstrap_limit;
  const std::vector<stats::Interval> intervals = ChangeIntervals(
      base_columns, base_moments, cand_columns, cand_moments, columns.size(), options, bootstrap);

  Decomposition result;
  result.method = base.method;
  result.baseline_requests = base_rows.size();
  result.candidate_requests = cand_rows.size();
  result.baseline_ms = base_moments.mean[columns.Total()];
  result.candidate_ms = cand_moments.mean[columns.Total()];
  result.change_ci = intervals[columns.Total()];
  result.resamples = bootstrap ? options.resamples : 0;
  const double change = result.candidate_ms - result.baseline_ms;
  auto cause = [&](std::size_t column, std::string op, std::string description) {
    Cause out;
    out.op = std::move(op);
    out.description = std::move(description);
    out.baseline_ms = base_moments.mean[column];
    out.candidate_ms = cand_moments.mean[column];
    out.change_ms = out.candidate_ms - out.baseline_ms;
    out.change_ci = intervals[column];
    out.share = change != 0 ? out.change_ms / change : 0;
    out.status = StatusOf(out.baseline_ms, out.candidate_ms, intervals[column]);
    return out;
  };
  std::vector<Cause> ops(columns.ops);
  std::vector<bool> seen(columns.ops, false);
  for (std::size_t op = 0; op < columns.ops; ++op) {
    const std::size_t column = columns.Op(op);
    if (base_moments.mean[column] == 0 && cand_moments.mean[column] == 0) continue;
    ops[op] = cause(column, parts.Op(op), "");
    seen[op] = true;
  }
  for (std::size_t group = 0; group < columns.groups; ++group) {
    const std::size_t op = parts.OpOf(group);
    if (!seen[op] || parts.Op(op) == kUnattributed) continue;
    if (base_moments.mean[group] == 0 && cand_moments.mean[group] == 0) continue;
    ops[op].groups.push_back(cause(group, parts.Op(op), parts.GroupName(group)));
  }
  for (std::size_t op = 0; op < columns.ops; ++op) {
    if (!seen[op]) continue;
    // One group without a description says nothing its op does not (an ops breakdown's
    // family, spans without names).
    if (ops[op].groups.size() == 1 && ops[op].groups[0].description.empty()) ops[op].groups.clear();
    RankCauses(ops[op].groups);
    result.causes.push_back(std::move(ops[op]));
  }
  RankCauses(result.causes);
  return result;
}

}  // namespace perfgate::explain
