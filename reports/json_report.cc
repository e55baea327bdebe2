#include "reports/json_report.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/timestamp.h"
#include "reports/gate_notes.h"
#include "reports/json_writer.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

value Side(const std::optional<gate::SideStats>& side) {
  if (!side) return nullptr;
  const stats::Summary& s = side->summary;
  return object{{"count", s.count},       {"failures", s.failures}, {"error_rate", s.error_rate},
                {"mean_ms", s.mean_ms},   {"min_ms", s.min_ms},     {"p50_ms", side->p50_ms},
                {"p95_ms", side->p95_ms}, {"p99_ms", side->p99_ms}, {"max_ms", s.max_ms}};
}

// The anytime-valid evidence of a rule judged by perfgate watch or alert, or null.
value AnytimeJson(const std::optional<gate::AnytimeEvidence>& evidence) {
  if (!evidence) return nullptr;
  object out{{"log_e", evidence->log_e},
             {"log_needed", evidence->log_needed},
             {"family", evidence->family},
             {"proven", evidence->proven()}};
  if (evidence->absence_log_e) out["absence_log_e"] = *evidence->absence_log_e;
  if (evidence->of_end) out["of_end"] = true;
  if (evidence->provable_share) out["provable_share"] = *evidence->provable_share;
  return out;
}

value Rule(const gate::EvaluationResult& result, const gate::RuleResult& rule) {
  const bool increase = gate::IsRelative(rule.rule.kind);
  const std::string_view unit = NameOf(gate::kMetricUnitNames, rule.rule.metric.unit);
  std::string_view limit_unit =
      increase && rule.rule.unit == gate::ChangeUnit::kRelative ? "relative" : unit;
  std::string_view change_unit = rule.change_is_relative ? "relative" : unit;
  return object{
      {"metric", rule.rule.metric.name},
      {"value", rule.rule.metric.value.empty() ? "duration" : rule.rule.metric.value},
      {"unit", unit},
      {"kind", NameOf(gate::kLimitKindNames, rule.rule.kind)},
      {"limit", rule.rule.limit},
      {"limit_unit", limit_unit},
      {"limit_text", rule.limit_text},
      {"severity", gate::SeverityName(rule.rule.severity)},
      {"decide_on", gate::DecideOnName(rule.rule.decide_on)},
      {"origin", rule.rule.origin.ToString()},
      {"verdict", gate::VerdictName(rule.verdict)},
      {"pre_existing", rule.pre_existing},
      {"baseline", JsonNumber(rule.baseline)},
      {"candidate", JsonNumber(rule.candidate)},
      {"baseline_ci", IntervalJson(rule.baseline_ci)},
      {"candidate_ci", IntervalJson(rule.candidate_ci)},
      {"change", JsonNumber(rule.change)},
      {"change_ci", IntervalJson(rule.change_ci)},
      {"change_unit", change_unit},
      {"p_value", JsonNumber(rule.p_value)},
      {"adjusted_p_value", JsonNumber(rule.adjusted_p_value)},
      {"minimum_detectable_effect", JsonNumber(rule.minimum_detectable_effect)},
      {"baseline_n", rule.baseline_n},
      {"candidate_n", rule.candidate_n},
      {"caveat", NameOf(gate::kCaveatNames, rule.caveat)},
      {"note", RuleNote(result, rule)},
      {"anytime", AnytimeJson(rule.anytime)},
  };
}

value CauseJson(const explain::Cause& cause) {
  object out{{"op", cause.op},
             {"description", cause.description.empty() ? value(nullptr) : value(cause.description)},
             {"baseline_ms", JsonNumber(cause.baseline_ms)},
             {"candidate_ms", JsonNumber(cause.candidate_ms)},
             {"change_ms", JsonNumber(cause.change_ms)},
             {"change_ci", IntervalJson(cause.change_ci)},
             {"share", JsonNumber(cause.share)},
             {"status", NameOf(explain::kCauseStatusNames, cause.status)}};
  if (cause.description.empty() && cause.op != explain::kUnattributed) {
    array groups;
    for (const explain::Cause& group : cause.groups) groups.push_back(CauseJson(group));
    out["groups"] = std::move(groups);
  }
  return out;
}

// A decomposition: its requests and means, the causes ranked (time no span covers apart,
// with its rank among them).
object DecompositionJson(const explain::Decomposition& d) {
  array causes;
  value unattributed = nullptr;
  for (std::size_t i = 0; i < d.causes.size(); ++i) {
    if (d.causes[i].op != explain::kUnattributed) {
      causes.push_back(CauseJson(d.causes[i]));
      continue;
    }
    object part = CauseJson(d.causes[i]).as_object();
    part.erase("op");
    part.erase("description");
    part["rank"] = i + 1;
    unattributed = std::move(part);
  }
  return object{{"baseline_requests", d.baseline_requests},
                {"candidate_requests", d.candidate_requests},
                {"baseline_ms", JsonNumber(d.baseline_ms)},
                {"candidate_ms", JsonNumber(d.candidate_ms)},
                {"change_ms", JsonNumber(d.candidate_ms - d.baseline_ms)},
                {"change_ci", IntervalJson(d.change_ci)},
                {"interval", !d.change_ci      ? value(nullptr)
                             : d.resamples > 0 ? value("bootstrap")
                                               : value("normal")},
                {"resamples", d.resamples},
                {"causes", std::move(causes)},
                {"unattributed", std::move(unattributed)}};
}

value ExplanationJson(const explain::Explanation& why) {
  object out{{"method", NameOf(explain::kMethodNames, why.judged.method)},
             {"statistic", why.statistic},
             {"population", why.candidate_from_ms ? "tail" : "all"},
             {"baseline_from_ms", JsonNumber(why.baseline_from_ms)},
             {"candidate_from_ms", JsonNumber(why.candidate_from_ms)}};
  for (auto& [key, field] : DecompositionJson(why.judged)) out[key] = std::move(field);
  out["mean"] = why.mean ? value(DecompositionJson(*why.mean)) : value(nullptr);
  array exemplars;
  for (const explain::Exemplar& exemplar : why.exemplars) {
    array top_ops;
    for (const auto& [op, ms] : exemplar.top_ops)
      top_ops.push_back(object{{"op", op}, {"ms", JsonNumber(ms)}});
    exemplars.push_back(
        object{{"trace_id", exemplar.trace_id},
               {"event_id", exemplar.event_id.empty() ? value(nullptr) : value(exemplar.event_id)},
               {"release", exemplar.baseline ? "baseline" : "candidate"},
               {"duration_ms", JsonNumber(exemplar.duration_ms)},
               {"percentile", JsonNumber(exemplar.percentile)},
               {"top_ops", std::move(top_ops)},
               {"top_ops_from", exemplar.from_trace ? "trace" : "method"},
               {"url", exemplar.url.empty() ? value(nullptr) : value(exemplar.url)}});
  }
  out["exemplars"] = std::move(exemplars);
  return out;
}

value Group(const gate::EvaluationResult& result, const gate::GroupResult& group,
            const explain::Explanations& explanations) {
  auto why = explanations.find(group.name);
  array rules;
  for (const gate::RuleResult& rule : group.rules) rules.push_back(Rule(result, rule));
  return object{
      {"name", group.name},
      {"verdict", group.skipped ? "skipped" : gate::VerdictName(group.verdict)},
      {"override", group.override_origin ? value(group.override_origin->ToString()) : nullptr},
      {"baseline", Side(group.baseline)},
      {"candidate", Side(group.candidate)},
      {"shift", group.shift ? value(object{{"test", "mann_whitney_u"},
                                           {"u", group.shift->u},
                                           {"p_value", group.shift->p_value},
                                           {"probability_of_superiority",
                                            group.shift->probability_of_superiority},
                                           {"exact", group.shift->exact}})
                            : value(nullptr)},
      {"rules", std::move(rules)},
      {"explanation", why == explanations.end() ? value(nullptr) : ExplanationJson(why->second)},
  };
}

}  // namespace

std::string RenderJson(const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  object counts;
  for (gate::Verdict verdict :
       {gate::Verdict::kPass, gate::Verdict::kWarn, gate::Verdict::kFail,
        gate::Verdict::kInconclusive, gate::Verdict::kInsufficientData, gate::Verdict::kWaived}) {
    counts[gate::VerdictName(verdict)] = result.Count(verdict);
  }
  array notes;
  for (const std::string& note : RunNotes(result)) notes.push_back(value(note));
  // A line per transaction (root > groups > group): complete, greppable and compact; the
  // groups are written one at a time.
  JsonObjectWriter out(2);
  out.Member("schema_version", kJsonSchemaVersion);
  out.Member("verdict", value(NameOf(kOverallNames, OverallVerdict(result))));
  out.Member("exit_code", gate::ExitCodeFor(result.outcome));
  out.Member("headline", value(Headline(result)));
  out.Member("config", value(result.config_name));
  auto side = [](const std::string& source, std::size_t events, const SourceOrigin& origin) {
    object described{{"source", source}, {"events", events}};
    if (!origin.releases.empty()) {
      array releases;
      for (const auto& [name, count] : origin.releases)
        releases.push_back(object{{"name", name}, {"events", count}});
      described["releases"] = std::move(releases);
    }
    if (origin.first_seconds) described["first_event"] = FormatIsoTimestamp(*origin.first_seconds);
    if (origin.last_seconds) described["last_event"] = FormatIsoTimestamp(*origin.last_seconds);
    return described;
  };
  out.Member("baseline",
             side(result.baseline_source, result.baseline_events, result.baseline_origin));
  out.Member("candidate",
             side(result.candidate_source, result.candidate_events, result.candidate_origin));
  out.Member(
      "method",
      object{
          {"confidence", result.confidence},
          {"resamples", result.resamples},
          {"seed", result.seed},
          {"interval", NameOf(stats::kIntervalMethodNames, result.interval)},
          {"error_rate_interval", NameOf(stats::kBinomialMethodNames, result.error_rate_interval)},
          {"correction", NameOf(stats::kCorrectionNames, result.correction)},
          {"relative_tests", result.relative_tests},
          {"percentile_method", NameOf(stats::kQuantileMethodNames, result.percentile_method)},
          {"min_samples", result.min_samples},
          {"group_by", NameOf(gate::kGroupByNames, result.group_by)},
          {"insufficient_data", gate::UndecidedPolicyName(result.insufficient_data)},
          {"inconclusive", gate::UndecidedPolicyName(result.inconclusive)},
          {"pre_existing", NameOf(gate::kPreExistingPolicyNames, result.pre_existing)}});
  out.Member("counts", counts);
  out.ArrayMember("groups", result.groups.size(), [&](std::size_t i) {
    return Group(result, result.groups[i], report.explanations);
  });
  out.Member("notes", notes);
  return std::move(out).Finish();
}

}  // namespace perfgate::reports
