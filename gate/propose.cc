#include "gate/propose.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/number_format.h"
#include "gate/thresholds_parser.h"

namespace perfgate::gate {
namespace {

// The metrics a proposal sets absolute limits on, in the order it writes them.
constexpr std::array<std::string_view, 3> kMetrics = {"p95", "p50", "error_rate"};
constexpr std::size_t kErrorRate = 2;

// What one judged transaction showed: per metric, the value and its interval's upper end.
struct Seen {
  std::string name;
  std::array<double, kMetrics.size()> value{};
  std::array<double, kMetrics.size()> upper{};
  std::array<double, kMetrics.size()> limit{};  // the upper end with headroom, made friendly
};

// A rate's limit: a friendly percentage from 0.1 % to 100 %.
double RateCeiling(double fraction) {
  return std::clamp(FriendlyCeiling(fraction * 100), 0.1, 100.0) / 100;
}

std::string DurationText(double ms) {
  if (ms >= 1000 && std::fmod(ms, 1000) == 0) return FormatNumber(ms / 1000) + "s";
  return FormatNumber(ms) + "ms";
}

std::string LimitText(std::size_t metric, double limit) {
  return metric == kErrorRate ? FormatNumber(limit * 100) + "%" : DurationText(limit);
}

std::string ValueText(std::size_t metric, double value) {
  return metric == kErrorRate ? FormatPercent(value) : FormatMs(value);
}

// `name` as a YAML double-quoted scalar.
std::string Quoted(std::string_view name) {
  std::string text = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') text += '\\';
    text += c;
  }
  return text + "\"";
}

// `line` with `comment` from column 34 on.
std::string Commented(std::string line, const std::string& comment) {
  line.resize(std::max<std::size_t>(line.size() + 1, 34), ' ');
  return line + "# " + comment + "\n";
}

// The general limit of `metric` and the transactions above it: at most `allowed` of the
// highest, and only those more than twice the general limit (one a step above it raises
// the general limit instead, rather than becoming an entry of its own).
double GeneralLimit(std::vector<Seen>& seen, std::size_t metric, std::size_t allowed,
                    std::string& highest_below) {
  std::vector<const Seen*> order;
  order.reserve(seen.size());
  for (const Seen& s : seen) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [&](const Seen* a, const Seen* b) {
    return a->limit[metric] > b->limit[metric];
  });
  std::size_t k = std::min(allowed, order.size() - 1);
  while (k > 0 && order[k - 1]->limit[metric] <= 2 * order[k]->limit[metric]) --k;
  const Seen& bound = *order[k];
  highest_below =
      (metric == kErrorRate ? "highest rate " + ValueText(metric, bound.value[metric])
                            : "highest upper end " + ValueText(metric, bound.upper[metric])) +
      " (" + bound.name + ")";
  return bound.limit[metric];
}

void AppendRules(std::string& out, const std::string& indent,
                 const std::array<double, kMetrics.size()>& limits,
                 const std::array<std::string, kMetrics.size()>& comments) {
  for (std::size_t m = 0; m < kMetrics.size(); ++m) {
    out += indent + "- metric: " + std::string(kMetrics[m]) + "\n";
    out += Commented(indent + "  max: " + LimitText(m, limits[m]), comments[m]);
  }
  out += indent + "- metric: p95\n";
  out += Commented(indent + "  max_increase: 10%", "vs the baseline, when significant");
  out += indent + "  severity: warn\n";
  out += indent + "- metric: error_rate\n";
  out += Commented(indent + "  max_increase: 1pp", "vs the baseline: 1 percentage point");
  out += indent + "  severity: warn\n";
}

}  // namespace

double FriendlyCeiling(double value) {
  if (!(value > 0)) return 0;
  if (!std::isfinite(value)) return value;
  static constexpr double kSteps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
  double scale = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : kSteps) {
    // The product is rounded to what a person writes, so 0.3 is 0.3, not 0.30000000000000004.
    const double candidate = std::stod(FormatNumber(step * scale));
    if (candidate >= value * (1 - 1e-12)) return candidate;
  }
  return 10 * scale;
}

Thresholds ObservingThresholds() {
  Thresholds config = DefaultThresholds();
  config.rules.clear();
  for (std::string_view name : kMetrics) {
    Rule rule;
    rule.metric = *ParseMetric(std::string(name));
    rule.limit = name == "error_rate" ? 1 : std::numeric_limits<double>::max();
    config.rules.push_back(rule);
  }
  config.source_name = "(observing)";
  return config;
}

std::string ProposeThresholds(const EvaluationResult& observed, const ProposalOptions& options) {
  std::vector<Seen> seen;
  std::vector<std::string> too_few;
  for (const GroupResult& group : observed.groups) {
    Seen s{group.name, {}, {}, {}};
    bool judged = group.rules.size() == kMetrics.size();
    for (std::size_t m = 0; judged && m < kMetrics.size(); ++m) {
      const RuleResult& rule = group.rules[m];
      judged = rule.candidate_ci && rule.candidate && std::isfinite(rule.candidate_ci->upper);
      if (!judged) break;
      s.value[m] = *rule.candidate;
      s.upper[m] = rule.candidate_ci->upper;
      // Error rates: twice the rate seen, at least 1 %. A quiet transaction's upper end says
      // more about its traffic than its errors (no error in 100 events: 3.6 %), and the rule
      // decides on the interval's lower end, which stays below the rate.
      s.limit[m] = m == kErrorRate ? RateCeiling(std::max(s.value[m] * 2, 0.01))
                                   : std::max(FriendlyCeiling(s.upper[m] * options.headroom), 1.0);
    }
    if (judged) {
      seen.push_back(std::move(s));
    } else {
      too_few.push_back(group.name);
    }
  }

  std::string out = "# Proposed by `" + options.command + "` from " +
                    std::to_string(observed.candidate_events) + " events of " +
                    std::to_string(observed.groups.size()) + " transactions.\n";
  out +=
      "# Each duration limit is the upper end of the metric's 95 % interval in that release,\n"
      "# plus " +
      FormatNumber((options.headroom - 1) * 100) +
      " %, and each error-rate limit twice the rate seen (at least 1 %), rounded up to\n"
      "# a friendly number: the release passes, and a clear regression does not.\n"
      "# Transactions far above the general limits get their own entry under groups.\n"
      "# Review every line; `perfgate validate` checks the file.\n";
  if (!too_few.empty()) {
    out += "# " + std::to_string(too_few.size()) +
           (too_few.size() == 1 ? " transaction" : " transactions") +
           " had too few events to judge (fewer than 50) and set no limit: " + too_few.front() +
           (too_few.size() > 1 ? ", ..." : "") + ".\n";
  }
  out += "version: 1\nrules:\n";
  if (seen.empty()) {
    // Nothing judged: perfgate's defaults, said to be such.
    std::array<std::string, kMetrics.size()> why;
    why.fill("perfgate's default: no transaction had enough events to propose one");
    AppendRules(out, "  ", {8000, 3000, 0.01}, why);
    return out;
  }

  const auto allowed =
      std::max(options.min_outliers,
               static_cast<std::size_t>(options.outlier_share * static_cast<double>(seen.size())));
  std::array<double, kMetrics.size()> general{};
  std::array<std::string, kMetrics.size()> why;
  for (std::size_t m = 0; m < kMetrics.size(); ++m) {
    std::string highest;
    general[m] = GeneralLimit(seen, m, allowed, highest);
    std::size_t under = 0;
    for (const Seen& s : seen) under += s.limit[m] <= general[m] ? 1 : 0;
    why[m] =
        "covers " + std::to_string(under) + " of " + std::to_string(seen.size()) + "; " + highest;
  }
  AppendRules(out, "  ", general, why);

  std::string groups;
  for (const Seen& s : seen) {
    bool outlier = false;
    std::array<double, kMetrics.size()> limits{};
    std::array<std::string, kMetrics.size()> comments;
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      outlier = outlier || s.limit[m] > general[m];
      limits[m] = std::max(s.limit[m], general[m]);
      comments[m] = std::string(kMetrics[m]) + " " + ValueText(m, s.value[m]) + ", upper end " +
                    ValueText(m, s.upper[m]);
    }
    if (!outlier) continue;
    groups += Commented("  - match: " + Quoted(s.name), "far above the general limits");
    groups += "    rules:\n";
    AppendRules(groups, "      ", limits, comments);
  }
  if (!groups.empty())
    out += "groups:                           # the first matching entry wins\n" + groups;
  return out;
}

}  // namespace perfgate::gate
