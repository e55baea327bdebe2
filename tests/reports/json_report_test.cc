#include "reports/json_report.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

using boost::json::kind;

TEST(JsonReport, MatchesTheGoldenFile) {
  ExpectGolden(RenderJson(ExampleResult()), "example_report.json");
}

// The documented schema (docs/json-report.md): every field present with its type.
void ExpectFields(
    const boost::json::object& object,
    std::initializer_list<std::pair<const char*, std::initializer_list<kind>>> fields) {
  for (const auto& [name, kinds] : fields) {
    ASSERT_TRUE(object.contains(name)) << "missing field " << name;
    kind actual = object.at(name).kind();
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), actual), kinds.end()) << "field " << name;
  }
}

TEST(JsonReport, FollowsSchemaVersionThree) {
  boost::json::value root = boost::json::parse(RenderJson(TracesExampleResult()));
  const auto& top = root.as_object();
  ExpectFields(top, {{"schema_version", {kind::int64}},
                     {"verdict", {kind::string}},
                     {"exit_code", {kind::int64}},
                     {"headline", {kind::string}},
                     {"config", {kind::string}},
                     {"baseline", {kind::object}},
                     {"candidate", {kind::object}},
                     {"method", {kind::object}},
                     {"counts", {kind::object}},
                     {"groups", {kind::array}},
                     {"notes", {kind::array}}});
  EXPECT_EQ(top.at("schema_version").as_int64(), 3);
  EXPECT_EQ(top.at("exit_code").as_int64(), 1);
  ExpectFields(top.at("method").as_object(), {{"confidence", {kind::double_}},
                                              {"resamples", {kind::int64}},
                                              {"seed", {kind::uint64, kind::int64}},
                                              {"interval", {kind::string}},
                                              {"error_rate_interval", {kind::string}},
                                              {"correction", {kind::string}},
                                              {"relative_tests", {kind::uint64, kind::int64}},
                                              {"inconclusive", {kind::string}},
                                              {"percentile_method", {kind::string}},
                                              {"min_samples", {kind::int64}},
                                              {"group_by", {kind::string}},
                                              {"insufficient_data", {kind::string}},
                                              {"pre_existing", {kind::string}}});
  const auto& number = std::initializer_list<kind>{kind::double_, kind::int64, kind::uint64};
  int explained = 0;
  for (const auto& group_value : top.at("groups").as_array()) {
    const auto& group = group_value.as_object();
    ExpectFields(group, {{"name", {kind::string}},
                         {"verdict", {kind::string}},
                         {"override", {kind::string, kind::null}},
                         {"baseline", {kind::object, kind::null}},
                         {"candidate", {kind::object, kind::null}},
                         {"shift", {kind::object, kind::null}},
                         {"rules", {kind::array}},
                         {"explanation", {kind::object, kind::null}}});
    ExpectFields(group.at("candidate").as_object(), {{"count", {kind::uint64, kind::int64}},
                                                     {"failures", {kind::uint64, kind::int64}},
                                                     {"error_rate", number},
                                                     {"mean_ms", number},
                                                     {"min_ms", number},
                                                     {"p50_ms", number},
                                                     {"p95_ms", number},
                                                     {"p99_ms", number},
                                                     {"max_ms", number}});
    for (const auto& rule : group.at("rules").as_array()) {
      ExpectFields(rule.as_object(),
                   {{"metric", {kind::string}},
                    {"value", {kind::string}},
                    {"unit", {kind::string}},
                    {"caveat", {kind::string}},
                    {"kind", {kind::string}},
                    {"limit", number},
                    {"limit_unit", {kind::string}},
                    {"limit_text", {kind::string}},
                    {"severity", {kind::string}},
                    {"origin", {kind::string}},
                    {"verdict", {kind::string}},
                    {"pre_existing", {kind::bool_}},
                    {"baseline", {kind::double_, kind::int64, kind::uint64, kind::null}},
                    {"candidate", {kind::double_, kind::int64, kind::uint64, kind::null}},
                    {"change", {kind::double_, kind::int64, kind::uint64, kind::null}},
                    {"decide_on", {kind::string}},
                    {"baseline_ci", {kind::object, kind::null}},
                    {"candidate_ci", {kind::object, kind::null}},
                    {"change_ci", {kind::object, kind::null}},
                    {"p_value", {kind::double_, kind::int64, kind::null}},
                    {"adjusted_p_value", {kind::double_, kind::int64, kind::null}},
                    {"minimum_detectable_effect", {kind::double_, kind::int64, kind::null}},
                    {"change_unit", {kind::string}},
                    {"baseline_n", {kind::uint64, kind::int64}},
                    {"candidate_n", {kind::uint64, kind::int64}},
                    {"note", {kind::string}}});
    }
    if (group.at("explanation").is_null()) continue;
    ++explained;
    const auto& why = group.at("explanation").as_object();
    const auto count = std::initializer_list<kind>{kind::uint64, kind::int64};
    // (A function, not a stored list: nested initializer lists would dangle.)
    auto expect_decomposition = [&](const boost::json::object& d) {
      ExpectFields(d, {{"baseline_requests", count},
                       {"candidate_requests", count},
                       {"baseline_ms", number},
                       {"candidate_ms", number},
                       {"change_ms", number},
                       {"change_ci", {kind::object}},
                       {"interval", {kind::string}},
                       {"resamples", count},
                       {"causes", {kind::array}},
                       {"unattributed", {kind::object, kind::null}}});
    };
    ExpectFields(why, {{"method", {kind::string}},
                       {"statistic", {kind::string}},
                       {"population", {kind::string}},
                       {"baseline_from_ms", {kind::double_, kind::null}},
                       {"candidate_from_ms", {kind::double_, kind::null}},
                       {"mean", {kind::object, kind::null}},
                       {"exemplars", {kind::array}}});
    expect_decomposition(why);
    expect_decomposition(why.at("mean").as_object());
    const auto& top_cause = why.at("causes").as_array().front().as_object();
    ExpectFields(top_cause, {{"op", {kind::string}},
                             {"description", {kind::string, kind::null}},
                             {"baseline_ms", number},
                             {"candidate_ms", number},
                             {"change_ms", number},
                             {"change_ci", {kind::object}},
                             {"share", number},
                             {"status", {kind::string}},
                             {"groups", {kind::array}}});
    EXPECT_EQ(top_cause.at("op").as_string(), "ai.embed");
    EXPECT_EQ(top_cause.at("groups").as_array().front().at("description").as_string(),
              "batch-embed");
    for (const auto& exemplar : why.at("exemplars").as_array()) {
      ExpectFields(exemplar.as_object(), {{"trace_id", {kind::string}},
                                          {"release", {kind::string}},
                                          {"duration_ms", number},
                                          {"percentile", number},
                                          {"top_ops", {kind::array}},
                                          {"url", {kind::string, kind::null}}});
    }
  }
  EXPECT_EQ(explained, 1);
}

TEST(JsonReport, TheTracesExampleMatchesItsGoldenFile) {
  ExpectGolden(RenderJson(TracesExampleResult()), "example_traces_report.json");
}

}  // namespace
}  // namespace perfgate::reports
