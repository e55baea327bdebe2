#include "gate/thresholds_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace perfgate::gate {
namespace {

Thresholds ParseOk(const std::string& text) {
  Result<Thresholds> parsed = ParseThresholds(text, "t.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : Thresholds{};
}

TEST(ParseThresholds, ReadsEveryKeyWithUnits) {
  Thresholds config = ParseOk(R"(version: 1
statistics:
  min_samples: 20
  percentile_method: hazen
policy:
  insufficient_data: error
group_by: none
rules:
  - metric: p99.9
    max: 2s
  - metric: error_rate
    max: 0.5%
  - metric: mean
    max_increase: 250ms
    severity: warn
  - metric: error_rate
    max_increase: 0.5pp
  - metric: p50
    max_increase: 0.1
groups:
  - match: "GET /health*"
    rules:
      - metric: p95
        max: 200
  - match: /internal/*
    skip: true
waivers:
  - match: /api/ask
    metric: p95
    until: 2027-01-31
    reason: "new reranker, tracked in #123"
)");
  EXPECT_EQ(config.min_samples, 20);
  EXPECT_EQ(config.percentile_method, stats::QuantileMethod::kHazen);
  EXPECT_EQ(config.insufficient_data, UndecidedPolicy::kError);
  EXPECT_EQ(config.group_by, GroupBy::kNone);
  ASSERT_EQ(config.rules.size(), 5u);
  EXPECT_DOUBLE_EQ(config.rules[0].metric.q, 0.999);
  EXPECT_EQ(config.rules[0].limit, 2000);
  EXPECT_EQ(config.rules[0].origin.ToString(), "t.yaml:9");
  EXPECT_DOUBLE_EQ(config.rules[1].limit, 0.005);
  EXPECT_EQ(config.rules[2].kind, LimitKind::kMaxIncrease);
  EXPECT_EQ(config.rules[2].unit, ChangeUnit::kAbsolute);
  EXPECT_EQ(config.rules[2].limit, 250);
  EXPECT_EQ(config.rules[2].severity, Severity::kWarn);
  EXPECT_EQ(LimitText(config.rules[2]), "mean increase <= +250 ms");
  EXPECT_EQ(LimitText(config.rules[3]), "error_rate increase <= +0.5 pp");
  EXPECT_DOUBLE_EQ(config.rules[3].limit, 0.005);
  EXPECT_EQ(config.rules[4].unit, ChangeUnit::kRelative);
  EXPECT_EQ(LimitText(config.rules[4]), "p50 increase <= +10 %");
  ASSERT_EQ(config.groups.size(), 2u);
  EXPECT_EQ(config.groups[0].rules->at(0).limit, 200);
  EXPECT_TRUE(config.groups[1].skip);
  ASSERT_EQ(config.waivers.size(), 1u);
  EXPECT_EQ(DateText(config.waivers[0].until), "2027-01-31");
  EXPECT_EQ(config.waivers[0].reason, "new reranker, tracked in #123");
}

TEST(ParseThresholds, ReadsTheStatisticsAndPolicies) {
  Thresholds config = ParseOk(R"(statistics:
  confidence: 90%
  resamples: 2000
  seed: 18446744073709551615
  correction: bh
  interval: percentile
  error_rate_interval: clopper_pearson
policy:
  inconclusive: error
rules:
  - metric: p95
    max: 1s
    decide_on: upper
)");
  EXPECT_DOUBLE_EQ(config.confidence, 0.9);
  EXPECT_EQ(config.resamples, 2000);
  EXPECT_EQ(config.seed, 18446744073709551615ULL);
  EXPECT_EQ(config.correction, stats::Correction::kBenjaminiHochberg);
  EXPECT_EQ(config.interval, stats::IntervalMethod::kPercentile);
  EXPECT_EQ(config.error_rate_interval, stats::BinomialMethod::kClopperPearson);
  EXPECT_EQ(config.inconclusive, UndecidedPolicy::kError);
  EXPECT_EQ(config.rules[0].decide_on, DecideOn::kUpper);
  Thresholds defaults = DefaultThresholds();
  EXPECT_DOUBLE_EQ(defaults.confidence, 0.95);
  EXPECT_EQ(defaults.resamples, 10000);
  EXPECT_EQ(defaults.seed, 1u);
  EXPECT_EQ(defaults.correction, stats::Correction::kHolm);
  EXPECT_EQ(defaults.interval, stats::IntervalMethod::kBca);
  EXPECT_EQ(defaults.error_rate_interval, stats::BinomialMethod::kClopperPearson);
}

TEST(ParseThresholds, ReadsTheSentrySource) {
  Thresholds config = ParseOk(R"(source:
  sentry:
    url: https://de.sentry.io
    organization: acme
    project: [shop, checkout]
    environment: production
    query: "transaction.op:http.server"
    mode: raw
    dataset: spans
    max_samples: 20000
    token_env: PERFGATE_SENTRY_TOKEN
    deadline: 10m
rules:
  - metric: p95
    max: 8s
)");
  ASSERT_TRUE(config.sentry.has_value());
  EXPECT_EQ(config.sentry->selection.url, "https://de.sentry.io");
  EXPECT_EQ(config.sentry->selection.projects, (std::vector<std::string>{"shop", "checkout"}));
  EXPECT_EQ(config.sentry->selection.query, "transaction.op:http.server");
  EXPECT_EQ(config.sentry->selection.dataset, SentryDataset::kSpans);
  EXPECT_EQ(config.sentry->selection.max_samples, 20000u);
  EXPECT_EQ(config.sentry->token_env, "PERFGATE_SENTRY_TOKEN");
  EXPECT_EQ(config.sentry->deadline, std::chrono::minutes(10));
  EXPECT_EQ(ParseOk("source:\n  sentry: {}\nrules:\n  - {metric: p95, max: 1s}\n").sentry->deadline,
            std::chrono::minutes(30));
  EXPECT_EQ(ParseOk("source:\n  sentry:\n    project: 42\nrules:\n  - metric: p95\n    max: 1s\n")
                .sentry->selection.projects,
            (std::vector<std::string>{"42"}));
}

TEST(ParseThresholds, ReadsTheExplainSettings) {
  auto parsed = ParseThresholds(
      "explain:\n  trace_url: http://jaeger:16686/trace/{trace_id}\n  exemplars: 5\n"
      "rules:\n  - {metric: p95, max: 1s}\n",
      "t.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->explain.trace_url, "http://jaeger:16686/trace/{trace_id}");
  EXPECT_EQ(parsed->explain.exemplars, 5);
  EXPECT_EQ(DefaultThresholds().explain.exemplars, 3);
  EXPECT_EQ(DefaultThresholds().explain.trace_url, "");
}

TEST(ParseThresholds, RepositoryDefaultsEqualTheBuiltInDefaults) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/thresholds.yaml");
  std::stringstream text;
  text << in.rdbuf();
  Thresholds file = ParseOk(text.str());
  Thresholds builtin = DefaultThresholds();
  ASSERT_EQ(file.rules.size(), builtin.rules.size());
  for (std::size_t i = 0; i < file.rules.size(); ++i) {
    EXPECT_EQ(LimitText(file.rules[i]), LimitText(builtin.rules[i]));
    EXPECT_EQ(file.rules[i].severity, builtin.rules[i].severity);
  }
  EXPECT_EQ(LimitText(builtin.rules[0]), "p95 <= 8000 ms");
  EXPECT_EQ(LimitText(builtin.rules[1]), "p50 <= 3000 ms");
  EXPECT_EQ(LimitText(builtin.rules[2]), "error_rate <= 1 %");
  EXPECT_EQ(LimitText(builtin.rules[3]), "p95 increase <= +10 %");
  EXPECT_EQ(builtin.rules[3].severity, Severity::kWarn);
  EXPECT_EQ(file.min_samples, builtin.min_samples);
}

struct BadConfig {
  const char* yaml;
  const char* message;
};

const BadConfig kBadConfigs[] = {
    {"", "t.yaml: the config is empty; it needs at least 'rules'"},
    {"rules: [", "t.yaml:1:1: invalid YAML: end of sequence flow not found"},
    {"- a\n- b\n", "t.yaml:1:1: the config must be a mapping of keys to values"},
    {"rulez: []\n", "t.yaml:1:1: unknown top-level key 'rulez'; did you mean 'rules'?"},
    {"explain:\n  trace_url: http://jaeger/trace/\nrules: []\n",
     "t.yaml:2:14: trace_url 'http://jaeger/trace/' has no {trace_id} to put each trace's id in, "
     "e.g. 'https://jaeger.example.com/trace/{trace_id}'"},
    {"explain:\n  exemplars: 50\nrules: []\n",
     "t.yaml:2:14: exemplars must be a whole number from 0 to 20, not '50'"},
    {"explain:\n  trace: x\nrules: []\n",
     "t.yaml:2:3: unknown key in explain 'trace' (allowed: trace_url, exemplars)"},
    {"frobnicate: 1\n",
     "t.yaml:1:1: unknown top-level key 'frobnicate' (allowed: version, source, statistics, "
     "policy, "
     "group_by, preset, rules, groups, waivers, explain)"},
    {"source:\n  sentry:\n    token: abc\nrules: []\n",
     "t.yaml:3:12: the token never goes in the config: put it in an environment variable and name "
     "that "
     "variable with token_env (default SENTRY_AUTH_TOKEN)"},
    {"source:\n  sentry:\n    organisation: acme\n",
     "t.yaml:3:5: unknown key in source.sentry 'organisation'; did you mean 'organization'?"},
    {"source:\n  sentry:\n    mode: sampled\n",
     "t.yaml:3:11: mode must be one of raw, aggregate, histogram, auto, not 'sampled'"},
    {"source:\n  datadog: {}\n", "t.yaml:2:3: unknown source 'datadog' (allowed: sentry)"},
    {"version: 2\nrules: []\n",
     "t.yaml:1:10: unsupported version '2'; this perfgate reads version 1"},
    {"rules:\n  - metric: p959\n    max: 1s\n",
     "t.yaml:2:13: unknown metric 'p959': a percentile is p followed by a number in (0, 100]; "
     "did you mean 'p95'?"},
    {"rules:\n  - metric: eror_rate\n    max: 1%\n",
     "t.yaml:2:13: unknown metric 'eror_rate'; did you mean 'error_rate'?"},
    {"rules:\n  - metric: p0\n    max: 1s\n",
     "t.yaml:2:13: unknown metric 'p0': a percentile is p followed by a number in (0, 100]; did "
     "you mean 'p50'?"},
    {"rules:\n  - metric: p95\n    maximum: 1s\n",
     "t.yaml:3:5: unknown key in rule 'maximum' (allowed: metric, max, max_increase, min, "
     "max_decrease, max_drift, releases, severity, decide_on)"},
    {"rules:\n  - metric: p95\n    mx: 1s\n",
     "t.yaml:3:5: unknown key in rule 'mx'; did you mean 'max'?"},
    {"rules:\n  - max: 1s\n",
     "t.yaml:2:5: rule needs a 'metric' (p50, p95, p99.9, mean, min, max, error_rate)"},
    {"rules:\n  - metric: p95\n",
     "t.yaml:2:5: rule needs a limit: 'max' (absolute) or 'max_increase' (vs baseline)"},
    {"rules:\n  - metric: p95\n    max: 1s\n    max_increase: 5%\n",
     "t.yaml:2:5: a rule takes 'max' or 'max_increase', not both; write two rules"},
    {"rules:\n  - metric: p95\n    max: 8 sec\n",
     "t.yaml:3:10: max has unknown unit 'sec' for a duration (use ms, s, m, h or d)"},
    {"rules:\n  - metric: p95\n    max: fast\n",
     "t.yaml:3:10: max must be a number with an optional unit, not 'fast'"},
    {"rules:\n  - metric: p95\n    max: -5ms\n",
     "t.yaml:3:10: max must not be negative, not '-5ms'"},
    {"rules:\n  - metric: p95\n    max: 1e306m\n", "t.yaml:3:10: max is too large: '1e306m'"},
    {"source:\n  sentry:\n    deadline: 0.5s\n",
     "t.yaml:3:15: deadline must be from 1s to 1440m, not '0.5s'"},
    {"source:\n  sentry:\n    deadline: 2000m\n",
     "t.yaml:3:15: deadline must be from 1s to 1440m, not '2000m'"},
    {"rules:\n  - metric: error_rate\n    max: 5\n",
     "t.yaml:3:10: max is a fraction and cannot exceed 1; for a percentage write '5%'"},
    {"rules:\n  - metric: error_rate\n    max: 1\n",
     "t.yaml:3:10: max '1' is ambiguous: as a fraction it means 100 %; write '1%' or '100%'"},
    {"rules:\n  - metric: error_rate\n    max: 150%\n",
     "t.yaml:3:10: max is a rate and cannot exceed 100%, not '150%'"},
    {"rules:\n  - metric: p95\n    max_increase: 10\n",
     "t.yaml:3:19: max_increase '10' is ambiguous: a bare number is a fraction, so it means "
     "+1000 %; write '10%' for +10 %, or '10ms' for an absolute increase"},
    {"rules:\n  - metric: error_rate\n    max_increase: 1\n",
     "t.yaml:3:19: max_increase '1' is ambiguous: a bare number is a fraction, so it means "
     "+100 %; write '1%' for +1 %"},
    {"rules:\n  - metric: error_rate\n    max: 5ms\n",
     "t.yaml:3:10: max has unknown unit 'ms' for a rate (use %)"},
    {"rules:\n  - metric: error_rate\n    max_increase: 2ms\n",
     "t.yaml:3:19: max_increase has unknown unit 'ms' for error_rate (use % for relative, pp for "
     "percentage points)"},
    {"rules:\n  - metric: p95\n    max: 1s\n    severity: error\n",
     "t.yaml:4:15: severity must be one of fail, warn, not 'error'"},
    {"rules:\n  - metric: p95\n    max: 1s\n    metric: p50\n",
     "t.yaml:4:5: 'metric' is given twice"},
    {"statistics:\n  percentile_method: type7\nrules: []\n",
     "t.yaml:2:22: unknown percentile_method 'type7' (allowed: inverted_cdf, "
     "averaged_inverted_cdf, "
     "closest_observation, interpolated_inverted_cdf, hazen, weibull, linear, median_unbiased, "
     "normal_unbiased, lower, higher, midpoint, nearest)"},
    {"statistics:\n  percentile_method: lineer\nrules: []\n",
     "t.yaml:2:22: unknown percentile_method 'lineer'; did you mean 'linear'? (allowed: "
     "inverted_cdf, "
     "averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen, weibull, "
     "linear, "
     "median_unbiased, normal_unbiased, lower, higher, midpoint, nearest)"},
    {"statistics:\n  min_samples: 0\nrules: []\n",
     "t.yaml:2:16: min_samples must be a whole number of at least 1, not '0'"},
    {"statistics:\n  confidence: 1.5\n",
     "t.yaml:2:15: confidence '1.5' is read as a fraction, more than 100 %; write a level from "
     "50% to below 100%, e.g. 95% or 0.95"},
    {"statistics:\n  confidence: 1.0\n",
     "t.yaml:2:15: confidence '1.0' is read as a fraction, 100 %, which no interval reaches; "
     "write a level from 50% to below 100%, e.g. 95% or 0.95"},
    {"statistics:\n  confidence: 95\n",
     "t.yaml:2:15: confidence '95' is read as a fraction, more than 100 %; write a level from "
     "50% to below 100%, e.g. 95% or 0.95"},
    {"statistics:\n  confidence: 100%\n",
     "t.yaml:2:15: confidence must be at least 50% and below 100% (e.g. 95% or 0.95), not "
     "'100%'"},
    {"statistics:\n  resamples: 10\n",
     "t.yaml:2:14: resamples must be a whole number from 100 to 1000000, not '10'"},
    {"statistics:\n  seed: -1\n",
     "t.yaml:2:9: seed must be a whole number from 0 to 18446744073709551615, not '-1'"},
    {"statistics:\n  correction: bonferroni\n",
     "t.yaml:2:15: correction must be one of holm, bh, none, not 'bonferroni'"},
    {"statistics:\n  error_rate_interval: wald\n",
     "t.yaml:2:24: error_rate_interval must be one of wilson, jeffreys, clopper_pearson, not "
     "'wald'"},
    {"rules:\n  - metric: p95\n    max: 1s\n    decide_on: ci-upper\n",
     "t.yaml:4:16: decide_on must be one of point, upper, lower, not 'ci-upper'"},
    {"statistics:\n  min_sample: 5\n",
     "t.yaml:2:3: unknown key in statistics 'min_sample'; did you mean 'min_samples'?"},
    {"policy:\n  insufficient_data: ignore\n",
     "t.yaml:2:22: insufficient_data must be one of warn, fail, error, not 'ignore'"},
    {"group_by: transactions\n",
     "t.yaml:1:11: group_by must be one of transaction, none, not 'transactions'; did you mean "
     "'transaction'?"},
    {"rules: []\n", "t.yaml: no rules: the config defines nothing to check; add 'rules'"},
    {"rules: {metric: p95}\n", "t.yaml:1:8: rules must be a list (items starting with '- ')"},
    {"rules:\n  - metric: p95\n    max: 1s\ngroups:\n  - match: /a\n",
     "t.yaml:5:5: group '/a' needs 'rules', 'skip: true' or 'min_samples'"},
    {"rules:\n  - metric: p95\n    max: 1s\ngroups:\n  - rules: []\n",
     "t.yaml:5:5: a group needs 'match', a glob on the transaction name"},
    {"rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    until: 2027-02-30\n    "
     "reason: r\n",
     "t.yaml:6:12: until is not a valid date: '2027-02-30'"},
    {"rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    until: soon\n    reason: "
     "r\n",
     "t.yaml:6:12: until must be a date YYYY-MM-DD, not 'soon'"},
    {"rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    until: 2027-01-31\n",
     "t.yaml:5:5: a waiver needs a 'reason' saying why the regression is accepted"},
    {"rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    reason: r\n",
     "t.yaml:5:5: a waiver needs 'until', the last day it applies (YYYY-MM-DD)"},
};

TEST(ParseThresholds, SchemaErrorsCarryLineColumnAndSuggestion) {
  for (const BadConfig& bad : kBadConfigs) {
    Result<Thresholds> parsed = ParseThresholds(bad.yaml, "t.yaml");
    ASSERT_FALSE(parsed.ok()) << bad.yaml;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kConfig);
    EXPECT_EQ(parsed.error().message, bad.message) << "config:\n" << bad.yaml;
  }
}

TEST(ParseThresholds, EveryProblemIsListedInTheOrderOfTheFile) {
  // A rule with a misspelt key is left at that (no "needs a limit" beside it); the other
  // sections, rules, groups and waivers are each checked.
  const char* yaml =
      "statistics:\n"
      "  min_sample: 50\n"
      "  confidence: 2\n"
      "rules:\n"
      "  - metric: p95\n"
      "    mx: 8s\n"
      "  - metric: p955\n"
      "    max: 1s\n"
      "  - metric: p50\n"
      "    max: 3s\n"
      "groups:\n"
      "  - match: /a\n"
      "waivers:\n"
      "  - match: /b\n"
      "    reason: r\n";
  Result<Thresholds> parsed = ParseThresholds(yaml, "t.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(
      parsed.error().message,
      "t.yaml: 6 errors:\n"
      "  t.yaml:2:3: unknown key in statistics 'min_sample'; did you mean 'min_samples'?\n"
      "  t.yaml:3:15: confidence '2' is read as a fraction, more than 100 %; write a level "
      "from 50% to below 100%, e.g. 95% or 0.95\n"
      "  t.yaml:6:5: unknown key in rule 'mx'; did you mean 'max'?\n"
      "  t.yaml:7:13: unknown metric 'p955': a percentile is p followed by a number in (0, 100]; "
      "did you mean 'p95'?\n"
      "  t.yaml:12:5: group '/a' needs 'rules', 'skip: true' or 'min_samples'\n"
      "  t.yaml:14:5: a waiver needs 'until', the last day it applies (YYYY-MM-DD)");
  // Past twenty, the rest are counted.
  std::string many = "rules:\n";
  for (int i = 0; i < 25; ++i) many += "  - metric: p95\n    mx: 1s\n";
  Result<Thresholds> crowded = ParseThresholds(many, "t.yaml");
  ASSERT_FALSE(crowded.ok());
  EXPECT_TRUE(crowded.error().message.starts_with("t.yaml: 25 errors:\n  t.yaml:3:5: "))
      << crowded.error().message;
  EXPECT_TRUE(crowded.error().message.ends_with("\n  and 5 more")) << crowded.error().message;
}

TEST(ParseThresholds, TextYamlCppShouldNeverSeeIsRefusedWithItsPlace) {
  const struct {
    std::string yaml;
    std::string message;
  } cases[] = {
      {std::string("rules:\n  - metric: p\0"
                   "95\n",
                   22),
       "c.yaml:2:14: a control byte (0x00); a config is plain text"},
      {"rules:\n  - metric: \x1b[31mp95\n",
       "c.yaml:2:13: a control byte (0x1B); a config is plain text"},
      {"rules:\n  - metric: p95\n    max: \"8000\xff ms\"\n", "c.yaml:3:15: not UTF-8 text"},
      {"rules: " + std::string(100, '[') + std::string(100, ']') + "\n",
       "c.yaml:1:72: nested more than 64 brackets deep"},
      {"rules:\n" + std::string(300, ' ') + "- metric: p95\n",
       "c.yaml:2:257: indented more than 256 columns"},
  };
  for (const auto& bad : cases) {
    Result<Thresholds> parsed = ParseThresholds(bad.yaml, "c.yaml");
    ASSERT_FALSE(parsed.ok()) << bad.yaml;
    EXPECT_EQ(parsed.error().message, bad.message);
  }
  // Brackets inside quotes and comments do not count; a BOM and CRLF line ends are fine.
  Result<Thresholds> fine = ParseThresholds(
      "\xEF\xBB\xBFrules:\r\n  - metric: p95 # [[[[[[[[[\r\n    max: 8000ms\r\n"
      "groups:\r\n  - match: \"" +
          std::string(80, '[') + "\"\r\n    skip: true\r\n",
      "c.yaml");
  EXPECT_TRUE(fine.ok()) << fine.error().message;
}

TEST(ParseThresholds, AnAliasBombIsRefusedBeforeItIsWalked) {
  // Seven levels of ten aliases each stand for 10^7 nodes in a few hundred bytes.
  std::string yaml = "x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int level = 1; level <= 7; ++level) {
    const std::string previous = "*x" + std::to_string(level - 1);
    yaml += "x" + std::to_string(level) + ": &x" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", " : "") + previous;
    yaml += "]\n";
  }
  Result<Thresholds> parsed = ParseThresholds(yaml, "bomb.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(parsed.error().message,
            "bomb.yaml: the config expands to more than 1000000 YAML nodes (aliases repeat all "
            "they point at); a perfgate config needs far fewer");

  // The form found by hand: one long rule list copied into thousands of groups.
  std::string copied = "rules: &R\n";
  for (int r = 0; r < 200; ++r)
    copied += "  - metric: p95\n    max: " + std::to_string(r + 1) + "s\n";
  copied += "groups:\n";
  for (int g = 0; g < 1000; ++g)
    copied += "  - match: \"/" + std::to_string(g) + "\"\n    rules: *R\n";
  parsed = ParseThresholds(copied, "copied.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("expands to more than 1000000 YAML nodes"),
            std::string::npos);

  // One rule list shared by 2,000 groups through an alias is a config, not a bomb.
  std::string shared =
      "rules: &R\n  - metric: p95\n    max: 8s\n  - metric: p50\n    max: 3s\n"
      "groups:\n";
  for (int g = 0; g < 2000; ++g)
    shared += "  - match: \"/api/" + std::to_string(g) + "\"\n    rules: *R\n";
  Result<Thresholds> config = ParseThresholds(shared, "shared.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->groups.size(), 2000u);
}

TEST(GlobMatch, StarsQuestionMarksAndLiteralBrackets) {
  EXPECT_TRUE(GlobMatch("GET /health*", "GET /health"));
  EXPECT_TRUE(GlobMatch("GET /health*", "GET /healthz/live"));
  EXPECT_TRUE(GlobMatch("*/internal/*", "POST /internal/jobs"));
  EXPECT_TRUE(GlobMatch("GET /users/[id]", "GET /users/[id]"));
  EXPECT_FALSE(GlobMatch("GET /users/[id]", "GET /users/i"));
  EXPECT_TRUE(GlobMatch("GET /v?/a", "GET /v2/a"));
  EXPECT_FALSE(GlobMatch("GET /v?/a", "GET /v10/a"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("/a", "/ab"));
  EXPECT_TRUE(GlobMatch("*a*b*c", "xxaxxbxxbc"));
}

TEST(ParseMetric, SuggestsTheClosestName) {
  EXPECT_EQ(ParseMetric("p95").value().q, 0.95);
  EXPECT_EQ(ParseMetric("p100").value().q, 1.0);
  EXPECT_EQ(ParseMetric("P95").error().message, "unknown metric 'P95'; did you mean 'p95'?");
  EXPECT_EQ(ParseMetric("median").error().message, "unknown metric 'median'; did you mean 'p50'?");
  EXPECT_EQ(ParseMetric("latency").error().message, "unknown metric 'latency'");
}

}  // namespace
}  // namespace perfgate::gate
