#include "reports/explanation_text.h"

#include <algorithm>
#include <cmath>

#include "core/number_format.h"

namespace perfgate::reports {
namespace {

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string SignedMs(double ms) { return FormatAbsoluteChange(ms, true); }

std::string ConfidencePercent(double confidence) { return FormatNumber(confidence * 100) + " %"; }

}  // namespace

std::string ChangeIntervalText(const std::optional<stats::Interval>& ci) {
  if (!ci) return "–";
  std::string lower = SignedMs(ci->lower);
  std::string upper = SignedMs(ci->upper);
  // "+1650 ms" -> "+1650": the unit once, after the bracket.
  lower.resize(lower.size() - 3);
  upper.resize(upper.size() - 3);
  return "[" + lower + ", " + upper + "] ms";
}

std::string ShareText(double share) {
  return FormatNumber(std::round(share * 1000) / 10 + 0.0) + " %";  // + 0.0: no "-0"
}

std::string CauseName(const explain::Cause& cause) {
  if (!cause.description.empty()) return cause.op + " " + Quoted(cause.description);
  if (cause.groups.empty()) return cause.op;
  if (cause.groups.size() == 1) return cause.op + " " + Quoted(cause.groups.front().description);
  return cause.op + " (most in " + Quoted(cause.groups.front().description) + ")";
}

std::string CauseIntervalText(const explain::Cause& cause, double confidence) {
  if (!cause.change_ci) return "no interval: aggregates only";
  return ConfidencePercent(confidence) + " CI " + ChangeIntervalText(cause.change_ci);
}

std::string CauseChangeText(const explain::Cause& cause, double confidence) {
  return SignedMs(cause.change_ms) + " (" + CauseIntervalText(cause, confidence) + ")";
}

std::string CauseSentence(const explain::Cause& cause, double confidence) {
  return CauseName(cause) + ": " + FormatMs(cause.candidate_ms) + " vs " +
         FormatMs(cause.baseline_ms) + " per request, " + CauseChangeText(cause, confidence) +
         ", " + ShareText(cause.share) + " of the change, " +
         std::string(NameOf(explain::kCauseStatusNames, cause.status));
}

// Whether `d` comes from aggregates (Sentry's spans dataset) rather than requests' spans.
bool FromAggregates(const explain::Decomposition& d) {
  return d.method == explain::Method::kSpanGroups;
}

std::string PopulationText(const explain::Explanation& why) {
  const std::string counts = std::to_string(why.judged.candidate_requests) + " candidate and " +
                             std::to_string(why.judged.baseline_requests) +
                             (FromAggregates(why.judged) ? " baseline requests, from aggregates"
                                                         : " baseline requests with spans");
  if (!why.candidate_from_ms) return "every request (" + counts + ")";
  return "the " + why.statistic + " tail (requests at or above each release's " + why.statistic +
         ": " + counts + ")";
}

std::vector<const explain::Cause*> TopCauses(const explain::Decomposition& decomposition,
                                             std::size_t count) {
  std::vector<const explain::Cause*> top;
  for (const explain::Cause& cause : decomposition.causes) {
    if (top.size() == count) break;
    const bool grew = cause.change_ms > 0 && (cause.status == explain::CauseStatus::kSlower ||
                                              cause.status == explain::CauseStatus::kNew ||
                                              cause.status == explain::CauseStatus::kUntested);
    if (!top.empty() && !grew) break;
    top.push_back(&cause);
  }
  return top;
}

const explain::Cause* Offset(const explain::Decomposition& decomposition) {
  constexpr double kNotableShare = -0.1;
  const explain::Cause* offset = nullptr;
  for (const explain::Cause& cause : decomposition.causes) {
    if (cause.share < kNotableShare && cause.change_ci && cause.change_ci->upper < 0 &&
        (offset == nullptr || cause.change_ms < offset->change_ms))
      offset = &cause;
  }
  return offset;
}

std::string WhyText(const explain::Explanation& why, double confidence) {
  const std::string counts = std::to_string(why.judged.candidate_requests) + " and " +
                             std::to_string(why.judged.baseline_requests) + " requests";
  std::string text =
      why.candidate_from_ms
          ? "in the " + why.statistic + " tail (" + counts + " at or above each release's " +
                why.statistic + "): "
          : "over " + counts + (FromAggregates(why.judged) ? " (aggregates): " : " with spans: ");
  const std::vector<const explain::Cause*> top = TopCauses(why.judged, kCausesNamed);
  for (std::size_t i = 0; i < top.size(); ++i) {
    const explain::Cause& cause = *top[i];
    const std::string status = cause.status == explain::CauseStatus::kNew ? ", new" : "";
    text += i == 0 ? CauseName(cause) + " " + SignedMs(cause.change_ms) + " per request (" +
                         CauseIntervalText(cause, confidence) + "; " + ShareText(cause.share) +
                         " of the change" + status + ")"
                   : ", " + CauseName(cause) + " " + SignedMs(cause.change_ms) + " (" +
                         ShareText(cause.share) + status + ")";
  }
  if (const explain::Cause* offset = Offset(why.judged))
    text += ", offset by " + CauseName(*offset) + " " + SignedMs(offset->change_ms) + " (" +
            ShareText(offset->share) + ")";
  return text + "; mean " + FormatMs(why.judged.candidate_ms) + " vs " +
         FormatMs(why.judged.baseline_ms) + " " + MethodPhrase(why.judged.method);
}

std::string MethodPhrase(explain::Method method) {
  switch (method) {
    case explain::Method::kCriticalPath:
      return "along the critical path";
    case explain::Method::kOpsBreakdown:
      return "by Sentry's ops breakdown";
    case explain::Method::kSpanGroups:
      break;
  }
  return "by span group, from Sentry's spans dataset";
}

std::string ExemplarLabel(const explain::Exemplar& exemplar) {
  return std::string(exemplar.baseline ? "baseline" : "candidate") + ", " +
         FormatMs(exemplar.duration_ms) + " (p" +
         FormatNumber(std::floor(exemplar.percentile * 10) / 10) + ")";
}

std::string ExplanationMethodText(const explain::Explanations& explanations) {
  if (explanations.empty()) return "";
  int resamples = 0;
  bool normal = false;
  bool critical_path = false;
  bool ops_breakdown = false;
  bool span_groups = false;
  bool aggregated_groups = false;
  for (const auto& [name, why] : explanations) {
    const explain::Method method = why.judged.method;
    critical_path = critical_path || method == explain::Method::kCriticalPath;
    ops_breakdown = ops_breakdown || method == explain::Method::kOpsBreakdown;
    span_groups = span_groups || method == explain::Method::kSpanGroups;
    if (method == explain::Method::kSpanGroups) continue;  // no intervals, no families
    for (const explain::Cause& cause : (why.mean ? *why.mean : why.judged).causes) {
      aggregated_groups = aggregated_groups ||
                          std::any_of(cause.groups.begin(), cause.groups.end(),
                                      [](const explain::Cause& group) { return !group.change_ci; });
    }
    for (const explain::Decomposition* d : {&why.judged, why.mean ? &*why.mean : nullptr}) {
      if (d == nullptr) continue;
      resamples = std::max(resamples, d->resamples);
      normal = normal || d->resamples == 0;
    }
  }
  std::string intervals;
  if (resamples > 0)
    intervals = "by bootstrap over requests (" + std::to_string(resamples) +
                " resamples, each request's breakdown kept whole)";
  if (normal)
    intervals += std::string(resamples > 0 ? ", or " : "") +
                 "normal with the bootstrap's variance where a side had too many requests to "
                 "resample";
  std::string causes = "causes: the change in mean time per request";
  const bool by_requests = critical_path || ops_breakdown;
  if (critical_path)
    causes +=
        " on the critical path (the chain of spans each response waited for, so work in "
        "parallel that did not delay it is not blamed; time no span covers is \"" +
        std::string(explain::kUnattributed) + "\")";
  if (ops_breakdown)
    causes += std::string(critical_path ? ", or" : "") +
              " by Sentry's ops breakdown (spans.db, spans.http, ...: the time each op "
              "family's spans cover; families that ran in parallel are each counted in full, "
              "so parallel work may be over-counted, and \"" +
              std::string(explain::kUnattributed) +
              "\", the rest of the duration, can fall below 0)";
  if (by_requests) causes += "; their intervals " + intervals;
  if (aggregated_groups)
    causes +=
        "; span groups within an op family: self time per request from Sentry's spans "
        "dataset over every request of each release, without intervals (\"untested\")";
  if (span_groups)
    causes += std::string(by_requests ? "; for releases read as histogram bins or aggregates"
                                      : " of releases read as histogram bins or aggregates") +
              ", by span group: each span op's and group's self time per request from "
              "Sentry's spans dataset over every request of each release (spans that ran in "
              "parallel each counted in full; \"" +
              std::string(explain::kUnattributed) +
              "\" is the rest of the mean duration: the transaction's own time and the "
              "groups beyond the largest Sentry returned, less any overlap), without intervals "
              "(\"untested\")";
  return causes;
}

}  // namespace perfgate::reports
