#include "reports/stats_report.h"

#include <algorithm>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/number_format.h"
#include "reports/json_report.h"
#include "reports/json_writer.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

std::string PercentileName(double percent) { return "p" + FormatNumber(percent); }

}  // namespace

std::string RenderStatsTable(const gate::SourceSummary& summary) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"TRANSACTION", "EVENTS", "ERRORS %", "MEAN ms", "MIN ms"};
  for (double percent : summary.percentiles)
    header.push_back(UpperCase(PercentileName(percent)) + " ms");
  header.push_back("MAX ms");
  rows.push_back(header);
  for (const gate::GroupSummary& group : summary.groups) {
    std::vector<std::string> row = {
        group.name, std::to_string(group.summary.count),
        NumberWithInterval(group.summary.error_rate, group.error_rate_ci, FormatPercent),
        NumberWithInterval(group.summary.mean_ms, group.mean_ci, FormatMs),
        NumberOnly(FormatMs(group.summary.min_ms))};
    for (std::size_t p = 0; p < group.percentiles_ms.size(); ++p) {
      row.push_back(
          NumberWithInterval(group.percentiles_ms[p].second, group.percentile_cis[p], FormatMs));
    }
    row.push_back(NumberOnly(FormatMs(group.summary.max_ms)));
    rows.push_back(std::move(row));
  }
  std::string out = AlignedColumns(rows);
  out += "\n[" + FormatNumber(summary.confidence * 100) +
         " % intervals, where the gate would judge: error rates by Clopper-Pearson, means (from "
         "min_samples events) by BCa bootstrap, percentiles (from 10 events beyond them) by "
         "their exact bootstrap] · percentiles: " +
         std::string(NameOf(stats::kQuantileMethodNames, summary.method)) +
         " · source: " + summary.source;
  if (summary.skipped_rows > 0)
    out += " · skipped " + std::to_string(summary.skipped_rows) + " bad rows";
  return out + "\n";
}

std::string RenderStatsJson(const gate::SourceSummary& summary) {
  boost::json::array groups;
  for (const gate::GroupSummary& group : summary.groups) {
    boost::json::object percentiles;
    boost::json::object percentile_cis;
    for (std::size_t p = 0; p < group.percentiles_ms.size(); ++p) {
      const auto& [percent, value] = group.percentiles_ms[p];
      percentiles[PercentileName(percent)] = value;
      percentile_cis[PercentileName(percent)] = IntervalJson(group.percentile_cis[p]);
    }
    groups.push_back(boost::json::object{{"name", group.name},
                                         {"count", group.summary.count},
                                         {"failures", group.summary.failures},
                                         {"error_rate", group.summary.error_rate},
                                         {"error_rate_ci", IntervalJson(group.error_rate_ci)},
                                         {"mean_ms", group.summary.mean_ms},
                                         {"mean_ci", IntervalJson(group.mean_ci)},
                                         {"min_ms", group.summary.min_ms},
                                         {"max_ms", group.summary.max_ms},
                                         {"percentiles_ms", std::move(percentiles)},
                                         {"percentile_cis", std::move(percentile_cis)}});
  }
  return PrettyJson(boost::json::object{
      {"schema_version", kJsonSchemaVersion},
      {"source", summary.source},
      {"percentile_method", NameOf(stats::kQuantileMethodNames, summary.method)},
      {"confidence", summary.confidence},
      {"skipped_rows", summary.skipped_rows},
      {"groups", std::move(groups)}});
}

}  // namespace perfgate::reports
