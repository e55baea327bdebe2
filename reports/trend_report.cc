#include "reports/trend_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/number_format.h"
#include "reports/json_report.h"
#include "reports/json_writer.h"
#include "reports/markdown_report.h"
#include "reports/markup.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

// A transaction's rows: RELEASE, EVENTS, P50 ms, P95 ms, ERRORS % (values with intervals).
std::vector<std::vector<std::string>> Rows(const gate::Trend& trend,
                                           const gate::TransactionTrend& row) {
  std::vector<std::vector<std::string>> rows = {
      {"RELEASE", "EVENTS", "P50 ms", "P95 ms", "ERRORS %"}};
  for (std::size_t r = 0; r < trend.releases.size(); ++r) {
    const std::optional<gate::TrendPoint>& point = row.points[r];
    if (!point) {
      rows.push_back({trend.releases[r], "0", "-", "-", "-"});
      continue;
    }
    rows.push_back({trend.releases[r], std::to_string(point->count),
                    NumberWithInterval(point->p50_ms, point->p50_ci, FormatMs),
                    NumberWithInterval(point->p95_ms, point->p95_ci, FormatMs),
                    NumberWithInterval(point->error_rate, point->error_rate_ci, FormatPercent)});
  }
  return rows;
}

std::string Footer(const gate::Trend& trend) {
  std::string text = FormatNumber(trend.confidence * 100) +
                     " % intervals where the gate would judge (percentiles by their exact "
                     "bootstrap, error rates by Clopper-Pearson), releases oldest first";
  if (trend.more > 0)
    text += "; " + std::to_string(trend.more) + " quieter transactions left out (--top)";
  return text;
}

// The chart of one transaction: p50 and p95 per release, each with its interval.
std::string ChartSvg(const gate::Trend& trend, const gate::TransactionTrend& row) {
  constexpr double kWidth = 640, kHeight = 200, kLeft = 64, kRight = 16, kTop = 12, kBottom = 36;
  double top = 0;
  for (const auto& point : row.points) {
    if (!point) continue;
    top = std::max({top, point->p95_ms, point->p95_ci ? point->p95_ci->upper : 0.0});
  }
  if (!(top > 0)) top = 1;
  top *= 1.1;
  const std::size_t n = trend.releases.size();
  auto x = [&](std::size_t r) {
    return kLeft + (n <= 1 ? 0.5 : static_cast<double>(r) / static_cast<double>(n - 1)) *
                       (kWidth - kLeft - kRight);
  };
  auto y = [&](double ms) { return kTop + (1 - ms / top) * (kHeight - kTop - kBottom); };
  char buffer[256];
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 200\" "
      "width=\"640\" height=\"200\" role=\"img\" aria-label=\"p50 and p95 of " +
      EscapeMarkup(row.name) + " by release\">";
  for (int tick = 0; tick <= 4; ++tick) {
    const double ms = top * tick / 4;
    std::snprintf(buffer, sizeof buffer,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">",
                  kLeft, kWidth - kRight, y(ms), y(ms), kLeft - 6, y(ms) + 4);
    svg += buffer + EscapeMarkup(FormatMs(ms)) + "</text>";
  }
  for (std::size_t r = 0; r < n; ++r) {
    std::snprintf(buffer, sizeof buffer,
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">", x(r),
                  kHeight - 12);
    svg += buffer + EscapeMarkup(trend.releases[r]) + "</text>";
  }
  auto series = [&](double gate::TrendPoint::*value,
                    std::optional<stats::Interval> gate::TrendPoint::*ci, const char* name) {
    std::string line;
    for (std::size_t r = 0; r < n; ++r) {
      const auto& point = row.points[r];
      if (!point) continue;
      std::snprintf(buffer, sizeof buffer, "%s%.1f,%.1f", line.empty() ? "" : " ", x(r),
                    y((*point).*value));
      line += buffer;
      if (const auto& interval = (*point).*ci) {
        std::snprintf(buffer, sizeof buffer,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ci %s\"/>",
                      x(r), x(r), y(interval->lower), y(interval->upper), name);
        svg += buffer;
      }
      std::snprintf(buffer, sizeof buffer,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"%s\"><title>", x(r),
                    y((*point).*value), name);
      svg += buffer +
             EscapeMarkup(trend.releases[r] + " " + name + " " + FormatMs((*point).*value)) +
             "</title></circle>";
    }
    svg += "<polyline points=\"" + line + "\" class=\"line " + name + "\"/>";
  };
  series(&gate::TrendPoint::p50_ms, &gate::TrendPoint::p50_ci, "p50");
  series(&gate::TrendPoint::p95_ms, &gate::TrendPoint::p95_ci, "p95");
  return svg + "</svg>";
}

}  // namespace

std::string RenderTrendTable(const gate::Trend& trend, const std::string& title) {
  std::string out = title + "\n";
  for (const gate::TransactionTrend& row : trend.transactions) {
    out += "\n" + row.name + " (" + std::to_string(row.events) + " events)\n";
    std::string table = AlignedColumns(Rows(trend, row));
    for (std::size_t at = 0; at < table.size();) {
      const std::size_t end = table.find('\n', at);
      out += "  " + table.substr(at, end - at + 1);
      at = end + 1;
    }
  }
  return out + "\n[" + Footer(trend) + "]\n";
}

std::string RenderTrendMarkdown(const gate::Trend& trend, const std::string& title) {
  std::string out = "## " + MarkdownCell(title) + "\n";
  for (const gate::TransactionTrend& row : trend.transactions) {
    out += "\n### " + MarkdownCode(row.name) + " (" + std::to_string(row.events) + " events)\n\n";
    const std::vector<std::vector<std::string>> rows = Rows(trend, row);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out += "|";
      for (const std::string& cell : rows[i]) out += " " + MarkdownCell(cell) + " |";
      out += "\n";
      if (i == 0) out += "|---|---:|---:|---:|---:|\n";
    }
  }
  return out + "\n" + Footer(trend) + ".\n";
}

std::string RenderTrendJson(const gate::Trend& trend, const std::string& title) {
  boost::json::array transactions;
  for (const gate::TransactionTrend& row : trend.transactions) {
    boost::json::array points;
    for (std::size_t r = 0; r < trend.releases.size(); ++r) {
      const std::optional<gate::TrendPoint>& point = row.points[r];
      if (!point) {
        points.emplace_back(nullptr);
        continue;
      }
      points.push_back(boost::json::object{{"release", trend.releases[r]},
                                           {"count", point->count},
                                           {"p50_ms", point->p50_ms},
                                           {"p50_ci", IntervalJson(point->p50_ci)},
                                           {"p95_ms", point->p95_ms},
                                           {"p95_ci", IntervalJson(point->p95_ci)},
                                           {"error_rate", point->error_rate},
                                           {"error_rate_ci", IntervalJson(point->error_rate_ci)}});
    }
    transactions.push_back(boost::json::object{
        {"name", row.name}, {"events", row.events}, {"points", std::move(points)}});
  }
  boost::json::array releases;
  for (const std::string& release : trend.releases) releases.emplace_back(release);
  return PrettyJson(boost::json::object{{"schema_version", kJsonSchemaVersion},
                                        {"title", title},
                                        {"confidence", trend.confidence},
                                        {"releases", std::move(releases)},
                                        {"transactions", std::move(transactions)},
                                        {"more", trend.more}},
                    3);
}

std::string RenderTrendHtml(const gate::Trend& trend, const std::string& title) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
      EscapeMarkup(title) +
      "</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}"
      "table{border-collapse:collapse;margin:8px 0 24px}td,th{padding:2px 10px;text-align:right}"
      "td:first-child,th:first-child{text-align:left}th{border-bottom:1px solid #d0d7de}"
      ".grid{stroke:#eaeef2}.axis{font-size:11px;fill:#57606a}.line{fill:none;stroke-width:2}"
      ".line.p50{stroke:#0969da}.line.p95{stroke:#cf222e}circle.p50{fill:#0969da}"
      "circle.p95{fill:#cf222e}.ci{stroke-width:6;stroke-opacity:.3}.ci.p50{stroke:#0969da}"
      ".ci.p95{stroke:#cf222e}.key span{display:inline-block;width:12px;height:3px;"
      "vertical-align:middle;margin:0 4px 0 12px}</style></head><body><h1>" +
      EscapeMarkup(title) +
      "</h1><p class=\"key\"><span style=\"background:#0969da\"></span>p50"
      "<span style=\"background:#cf222e\"></span>p95 (bars: intervals)</p>\n";
  for (const gate::TransactionTrend& row : trend.transactions) {
    out += "<h2>" + EscapeMarkup(row.name) + " <small>(" + std::to_string(row.events) +
           " events)</small></h2>\n" + ChartSvg(trend, row) + "\n<table>";
    const std::vector<std::vector<std::string>> rows = Rows(trend, row);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out += "<tr>";
      for (const std::string& cell : rows[i])
        out += (i == 0 ? "<th>" : "<td>") + EscapeMarkup(cell) + (i == 0 ? "</th>" : "</td>");
      out += "</tr>";
    }
    out += "</table>\n";
  }
  return out + "<p>" + EscapeMarkup(Footer(trend)) + ".</p></body></html>\n";
}

}  // namespace perfgate::reports
