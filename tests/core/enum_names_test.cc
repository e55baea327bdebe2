// Every enum's name table: each enumerator listed once, names unique, and each name reads
// back as its value, so the config, the CLI and the reports agree on the words.
#include "core/enum_names.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/sentry_selection.h"
#include "fetch/files/sample_reader.h"
#include "gate/thresholds.h"
#include "reports/summary_text.h"
#include "stats/binomial.h"
#include "stats/interval.h"
#include "stats/multiple_testing.h"
#include "stats/quantile.h"

namespace perfgate {
namespace {

// `count` is the number of enumerators: a table that misses one fails here.
template <typename Enum, std::size_t N>
void ExpectComplete(const NameTable<Enum, N>& table, std::size_t count, const char* what) {
  std::set<Enum> values;
  std::set<std::string_view> names;
  for (const auto& [value, name] : table) {
    values.insert(value);
    EXPECT_TRUE(names.insert(name).second) << what << ": '" << name << "' twice";
    EXPECT_FALSE(name.empty()) << what;
    EXPECT_EQ(FromName(table, name), value) << what << ": " << name;
    EXPECT_EQ(FromName(table, NameOf(table, value)), value)
        << what;  // aliases name their value too
  }
  EXPECT_EQ(values.size(), count) << what;
  EXPECT_FALSE(FromName(table, "no-such-name").has_value()) << what;
}

TEST(NameTable, EveryTableNamesEveryEnumeratorOnce) {
  ExpectComplete(stats::kQuantileMethodNames, 13, "percentile_method");
  ExpectComplete(stats::kIntervalMethodNames, 2, "interval");
  ExpectComplete(stats::kIntervalMethodTitles, 2, "interval titles");
  ExpectComplete(stats::kBinomialMethodNames, 3, "error_rate_interval");
  ExpectComplete(stats::kBinomialMethodTitles, 3, "error_rate_interval titles");
  ExpectComplete(stats::kCorrectionNames, 3, "correction");
  ExpectComplete(stats::kCorrectionTitles, 3, "correction titles");
  ExpectComplete(gate::kSeverityNames, 2, "severity");
  ExpectComplete(gate::kDecideOnNames, 3, "decide_on");
  ExpectComplete(gate::kGroupByNames, 2, "group_by");
  ExpectComplete(gate::kUndecidedPolicyNames, 3, "policy");
  ExpectComplete(gate::kVerdictNames, 6, "verdict");
  ExpectComplete(gate::kPreExistingPolicyNames, 2, "pre_existing");
  ExpectComplete(gate::kLimitKindNames, 4, "limit kinds");
  ExpectComplete(gate::kMetricUnitNames, 4, "metric units");
  ExpectComplete(gate::kCaveatNames, 12, "caveats");
  ExpectComplete(kSentryModeNames, 4, "mode");
  ExpectComplete(kSentryDatasetNames, 2, "dataset");
  ExpectComplete(fetch::kInputFormatNames, 7, "format");
  ExpectComplete(fetch::kBadRowPolicyNames, 2, "on-bad-row");
  ExpectComplete(reports::kOverallNames, 4, "verdict");
  EXPECT_EQ(NameOf(fetch::kInputFormatNames, fetch::InputFormat::kNdjson),
            "ndjson");  // not its alias
}

TEST(NameTable, JoinsNamesForMessages) {
  EXPECT_EQ(JoinNames(stats::kCorrectionNames), "holm, bh, none");
  EXPECT_EQ(Names(gate::kDecideOnNames)[2], "lower");
}

}  // namespace
}  // namespace perfgate
