// docs/thresholds.schema.json, the editor's view of thresholds.yaml, agrees with the parser:
// the same keys in every map and the same enum values; and on a set of configs (the
// repository's, every config in the README and docs/, and mistakes people make) the schema, checked
// by Debian's python3-jsonschema, accepts exactly those the parser accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "core/sentry_selection.h"
#include "gate/thresholds_parser.h"
#include "stats/binomial.h"
#include "stats/interval.h"
#include "stats/multiple_testing.h"
#include "stats/quantile.h"

namespace perfgate::gate {
namespace {

namespace json = boost::json;

std::string ReadSource(const std::string& path) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const json::object& Schema() {
  static const json::value schema = json::parse(ReadSource("docs/thresholds.schema.json"));
  return schema.as_object();
}

// The schema of the map at `path`, as ConfigSections() names them.
const json::object& SchemaAt(std::string_view path) {
  const json::object& root = Schema();
  auto property = [](const json::object& object, const char* name) -> const json::object& {
    return object.at("properties").as_object().at(name).as_object();
  };
  auto definition = [&](const char* name) -> const json::object& {
    return root.at("definitions").as_object().at(name).as_object();
  };
  if (path.empty()) return root;
  if (path == "source.sentry") return property(property(root, "source"), "sentry");
  if (path == "rules[]") return definition("rules").at("items").as_object();
  if (path.ends_with("[]")) {
    const std::string name(path.substr(0, path.size() - 2));
    return property(root, name.c_str()).at("items").as_object();
  }
  return property(root, std::string(path).c_str());
}

std::set<std::string> Strings(auto&& range) {
  std::set<std::string> set;
  for (const auto& item : range) set.insert(std::string(item));
  return set;
}

TEST(ThresholdsSchema, HasTheParsersKeysInEveryMap) {
  for (const ConfigSection& section : ConfigSections()) {
    const json::object& schema = SchemaAt(section.path);
    std::set<std::string> keys;
    for (const auto& [key, ignored] : schema.at("properties").as_object()) keys.insert(key);
    EXPECT_EQ(keys, Strings(section.keys)) << "'" << section.path << "'";
    EXPECT_EQ(schema.at("additionalProperties"), json::value(false)) << section.path;
  }
}

TEST(ThresholdsSchema, HasTheParsersEnumValues) {
  auto values = [](std::string_view path, const char* key) {
    std::set<std::string> set;
    for (const json::value& value : SchemaAt(path).at("properties").at(key).at("enum").as_array())
      set.insert(json::value_to<std::string>(value));
    return set;
  };
  EXPECT_EQ(values("statistics", "percentile_method"), Strings(Names(stats::kQuantileMethodNames)));
  EXPECT_EQ(values("statistics", "correction"), Strings(Names(stats::kCorrectionNames)));
  EXPECT_EQ(values("statistics", "interval"), Strings(Names(stats::kIntervalMethodNames)));
  EXPECT_EQ(values("statistics", "error_rate_interval"),
            Strings(Names(stats::kBinomialMethodNames)));
  EXPECT_EQ(values("policy", "insufficient_data"), Strings(Names(kUndecidedPolicyNames)));
  EXPECT_EQ(values("policy", "inconclusive"), Strings(Names(kUndecidedPolicyNames)));
  EXPECT_EQ(values("policy", "pre_existing"), Strings(Names(kPreExistingPolicyNames)));
  EXPECT_EQ(values("", "group_by"), Strings(Names(kGroupByNames)));
  EXPECT_EQ(values("rules[]", "severity"), Strings(Names(kSeverityNames)));
  EXPECT_EQ(values("rules[]", "decide_on"), Strings(Names(kDecideOnNames)));
  EXPECT_EQ(values("source.sentry", "mode"), Strings(Names(kSentryModeNames)));
  EXPECT_EQ(values("source.sentry", "dataset"), Strings(Names(kSentryDatasetNames)));
}

// The pages that show configs: the README and the manual.
constexpr const char* kDocPages[] = {"README.md",      "docs/configuration.md", "docs/metrics.md",
                                     "docs/sentry.md", "docs/statistics.md",    "docs/anytime.md",
                                     "docs/record.md", "docs/sources.md",       "docs/reports.md",
                                     "docs/ci.md"};

// Every ```yaml block of the README and the manual that is a config (it starts with a config
// key), named by its page; one that shows a part without rules gets a rule, as its reader
// would add to use it.
std::vector<std::pair<std::string, std::string>> DocConfigs() {
  std::vector<std::pair<std::string, std::string>> configs;
  const std::set<std::string> top = Strings(ConfigSections().front().keys);
  for (const char* page : kDocPages) {
    const std::string text = ReadSource(page);
    EXPECT_FALSE(text.empty()) << page;
    for (std::size_t at = text.find("```yaml\n"); at != std::string::npos;
         at = text.find("```yaml\n", at + 1)) {
      const std::size_t start = at + 8;
      const std::string block = text.substr(start, text.find("```", start) - start);
      if (!top.contains(block.substr(0, block.find(':')))) continue;
      const bool rules = block.starts_with("rules:") || block.find("\nrules:") != std::string::npos;
      configs.emplace_back(page, rules ? block : block + "rules:\n  - metric: p95\n    max: 1s\n");
    }
  }
  return configs;
}

TEST(ThresholdsSchema, AcceptsExactlyTheConfigsTheParserAccepts) {
  struct Case {
    std::string name;
    std::string yaml;
  };
  std::vector<Case> cases = {{"thresholds.yaml", ReadSource("thresholds.yaml")}};
  for (const char* example : {"examples/frontend/thresholds.yaml",
                              "examples/tokens/thresholds.yaml", "examples/k6/thresholds.yaml"}) {
    cases.push_back({example, ReadSource(example)});
  }
  for (const auto& [page, config] : DocConfigs())
    cases.push_back({page + " block " + std::to_string(cases.size()), config});
  ASSERT_GE(cases.size(), 10u) << "the configuration examples of the docs were not found";
  const char* kRule = "rules:\n  - metric: ";
  const std::pair<const char*, std::string> kMore[] = {
      {"unknown key", "rule:\n  - metric: p95\n    max: 1s\n"},
      {"misspelt metric", std::string(kRule) + "p959\n    max: 1s\n"},
      {"p0", std::string(kRule) + "p0\n    max: 1s\n"},
      {"p99.9", std::string(kRule) + "p99.9\n    max: 1s\n"},
      {"severity", std::string(kRule) + "p95\n    max: 1s\n    severity: error\n"},
      {"no limit", std::string(kRule) + "p95\n"},
      {"both limits", std::string(kRule) + "p95\n    max: 1s\n    max_increase: 5%\n"},
      {"bare ms", std::string(kRule) + "p95\n    max: 800\n"},
      {"unit", std::string(kRule) + "p95\n    max: 8 sec\n"},
      {"negative", std::string(kRule) + "p95\n    max: -5ms\n"},
      {"rate 1", std::string(kRule) + "error_rate\n    max: 1\n"},
      {"rate 150%", std::string(kRule) + "error_rate\n    max: 150%\n"},
      {"rate 0.01", std::string(kRule) + "error_rate\n    max: 0.01\n"},
      {"rate 100%", std::string(kRule) + "error_rate\n    max: 100%\n"},
      {"increase 10", std::string(kRule) + "p95\n    max_increase: 10\n"},
      {"increase 0.1", std::string(kRule) + "p95\n    max_increase: 0.1\n"},
      {"increase pp", std::string(kRule) + "error_rate\n    max_increase: 0.5pp\n"},
      {"confidence", "statistics:\n  confidence: 1.5\nrules:\n  - metric: p95\n    max: 1s\n"},
      {"enum", "policy:\n  inconclusive: ignore\nrules:\n  - metric: p95\n    max: 1s\n"},
      {"until",
       "rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    until: soon\n"
       "    reason: r\n"},
      {"reason",
       "rules:\n  - metric: p95\n    max: 1s\nwaivers:\n  - match: /a\n    until: "
       "2027-01-31\n"},
      {"skip yes", "rules:\n  - metric: p95\n    max: 1s\ngroups:\n  - match: /a\n    skip: yes\n"},
      {"token", "source:\n  sentry:\n    token: abc\nrules:\n  - metric: p95\n    max: 1s\n"},
      {"version 2", "version: 2\nrules:\n  - metric: p95\n    max: 1s\n"},
      {"no rules", "rules: []\n"},
      {"group rules", "groups:\n  - match: /a\n    rules:\n      - metric: p95\n        max: 1s\n"},
  };
  for (const auto& [name, yaml] : kMore) cases.push_back({name, yaml});

  std::string command = "python3 " + std::string(PERFGATE_SOURCE_DIR) +
                        "/tests/gate/validate_configs.py " + PERFGATE_SOURCE_DIR +
                        "/docs/thresholds.schema.json";
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    paths.push_back(::testing::TempDir() + "perfgate-schema-" + std::to_string(i) + ".yaml");
    std::ofstream(paths.back()) << cases[i].yaml;
    command += " " + paths.back();
  }
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  ASSERT_EQ(pclose(pipe), 0) << "needs python3-yaml and python3-jsonschema (scripts/setup.sh): "
                             << output;
  std::istringstream lines(output);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << output;
    const bool schema_valid = line.starts_with("valid ");
    Result<Thresholds> parsed = ParseThresholds(cases[i].yaml, "t.yaml");
    EXPECT_EQ(schema_valid, parsed.ok())
        << cases[i].name << ":\n"
        << cases[i].yaml << "schema: " << line
        << "\nparser: " << (parsed.ok() ? "valid" : parsed.error().message);
  }
}

TEST(ThresholdsSchema, TheBundledConfigPointsEditorsAtIt) {
  EXPECT_TRUE(ReadSource("thresholds.yaml")
                  .starts_with("# yaml-language-server: $schema=docs/thresholds.schema.json\n"));
}

}  // namespace
}  // namespace perfgate::gate
