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
  std::vector<std::string> header = {"TRANSACTION", "EVENTS", "ERRORS", "MEAN", "MIN"};
  for (double percent : summary.percentiles) header.push_back(UpperCase(PercentileName(percent)));
  header.push_back("MAX");
  rows.push_back(header);
  for (const gate::GroupSummary& group : summary.groups) {
    std::vector<std::string> row = {group.name, std::to_string(group.summary.count),
                                    FormatPercent(group.summary.error_rate),
                                    FormatMs(group.summary.mean_ms),
                                    FormatMs(group.summary.min_ms)};
    for (const auto& [percent, value] : group.percentiles_ms) row.push_back(FormatMs(value));
    row.push_back(FormatMs(group.summary.max_ms));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    out += "\n";
  }
  out += "\npercentiles: " + std::string(NameOf(stats::kQuantileMethodNames, summary.method)) +
         " · source: " + summary.source;
  if (summary.skipped_rows > 0)
    out += " · skipped " + std::to_string(summary.skipped_rows) + " bad rows";
  return out + "\n";
}

std::string RenderStatsJson(const gate::SourceSummary& summary) {
  boost::json::array groups;
  for (const gate::GroupSummary& group : summary.groups) {
    boost::json::object percentiles;
    for (const auto& [percent, value] : group.percentiles_ms)
      percentiles[PercentileName(percent)] = value;
    groups.push_back(boost::json::object{{"name", group.name},
                                         {"count", group.summary.count},
                                         {"failures", group.summary.failures},
                                         {"error_rate", group.summary.error_rate},
                                         {"mean_ms", group.summary.mean_ms},
                                         {"min_ms", group.summary.min_ms},
                                         {"max_ms", group.summary.max_ms},
                                         {"percentiles_ms", std::move(percentiles)}});
  }
  return PrettyJson(boost::json::object{
      {"schema_version", kJsonSchemaVersion},
      {"source", summary.source},
      {"percentile_method", NameOf(stats::kQuantileMethodNames, summary.method)},
      {"skipped_rows", summary.skipped_rows},
      {"groups", std::move(groups)}});
}

}  // namespace perfgate::reports
