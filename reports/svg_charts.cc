#include "reports/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/number_format.h"
#include "reports/explanation_text.h"
#include "reports/markup.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

using gate::GroupResult;
using gate::RuleResult;
using gate::Verdict;

std::string Html(std::string_view text) { return EscapeMarkup(text); }

// A coordinate to a tenth of a pixel.
std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// A label at (x, y), escaped.
std::string SvgText(double x, double y, std::string_view anchor, const std::string& text) {
  return "<text x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" text-anchor=\"" +
         std::string(anchor) + "\" fill=\"#1f2328\">" + Html(text) + "</text>";
}

// The latency-percentile chart: x is the percentile on a tail-stretching scale
// (-log10(1 - q): 90 %, 99 % and 99.9 % equally apart), y the latency on a log scale.
class Chart {
 public:
  static constexpr double kWidth = 720, kHeight = 250, kLeft = 64, kRight = 150, kTop = 14,
                          kBottom = 34;

  explicit Chart(const GroupResult& group) : group_(group) {
    for (const auto* side : {&group.baseline, &group.candidate}) {
      if (!*side) continue;
      for (const auto& [q, value] : (**side).distribution) Extend(value);
    }
    // A limit far above the data would flatten it into the floor: such limits stay off the
    // axis and are named in a corner instead.
    const double data_high = high_;
    for (const RuleResult& rule : group.rules) {
      if (IsChartedLimit(rule) && (data_high <= 0 || rule.rule.limit <= data_high * 10))
        Extend(rule.rule.limit);
    }
    if (!(low_ > 0)) low_ = 0.1;
    if (!(high_ > low_)) high_ = low_ * 10;
    low_ = std::pow(10, std::floor(std::log10(low_) * 4) / 4);  // a little room below and above
    high_ = std::pow(10, std::ceil(std::log10(high_) * 4) / 4);
  }

  std::string Svg() const {
    std::ostringstream svg;
    svg << "<svg viewBox=\"0 0 " << Number(kWidth) << " " << Number(kHeight)
        << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"latency percentiles "
           "of "
        << Html(group_.name) << "\" font-size=\"12\" font-family=\"system-ui, sans-serif\">\n";
    // Grid and axes.
    for (double q : {0.0, 0.5, 0.9, 0.99, 0.999}) {
      const double x = X(q);
      svg << "<line x1=\"" << Number(x) << "\" y1=\"" << Number(kTop) << "\" x2=\"" << Number(x)
          << "\" y2=\"" << Number(kHeight - kBottom) << "\" stroke=\"#eaeef2\"/>"
          << "<text x=\"" << Number(x) << "\" y=\"" << Number(kHeight - kBottom + 16)
          << "\" text-anchor=\"middle\" fill=\"#57606a\">"
          << (q == 0      ? "p0"
              : q == 0.5  ? "p50"
              : q == 0.9  ? "p90"
              : q == 0.99 ? "p99"
                          : "p99.9")
          << "</text>\n";
    }
    // Gridlines at 1, 2 and 5 times each power of ten in range.
    for (int exponent = static_cast<int>(std::floor(std::log10(low_)));
         std::pow(10, exponent) <= high_ * 1.0001; ++exponent) {
      const double decade = std::pow(10, exponent);
      for (double step : {1.0, 2.0, 5.0}) {
        const double value = decade * step;
        if (value < low_ * 0.9999 || value > high_ * 1.0001) continue;
        const double y = Y(value);
        svg << "<line x1=\"" << Number(kLeft) << "\" y1=\"" << Number(y) << "\" x2=\""
            << Number(kWidth - kRight) << "\" y2=\"" << Number(y) << "\" stroke=\"#eaeef2\"/>"
            << "<text x=\"" << Number(kLeft - 6) << "\" y=\"" << Number(y + 4)
            << "\" text-anchor=\"end\" fill=\"#57606a\">" << Html(FormatMs(value)) << "</text>\n";
      }
    }
    svg << "<text x=\"" << Number((kLeft + kWidth - kRight) / 2) << "\" y=\"" << Number(kHeight - 4)
        << "\" text-anchor=\"middle\" fill=\"#57606a\">percentile</text>\n";
    // Limits of absolute duration rules: a dashed line at the limit, labelled at the right,
    // red when the rule failed; limits far above the data are listed at the top instead.
    double label_y = -100;
    std::string above;
    for (const RuleResult& rule : group_.rules) {
      if (!IsChartedLimit(rule)) continue;
      const std::string_view color = LimitColor(rule.verdict);
      if (rule.rule.limit > high_) {
        above += (above.empty() ? "" : ", ") + rule.limit_text;
        continue;
      }
      const double y = Y(rule.rule.limit);
      svg << "<line x1=\"" << Number(kLeft) << "\" y1=\"" << Number(y) << "\" x2=\""
          << Number(kWidth - kRight) << "\" y2=\"" << Number(y) << "\" stroke=\"" << color
          << "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>";
      const double text_y = std::abs(y - label_y) < 14 ? label_y + 14 : y + 4;
      label_y = text_y;
      svg << "<text x=\"" << Number(kWidth - kRight + 6) << "\" y=\"" << Number(text_y)
          << "\" fill=\"" << color << "\">" << Html(rule.limit_text) << "</text>\n";
    }
    if (!above.empty()) {
      svg << "<text x=\"" << Number(kLeft + 6) << "\" y=\"" << Number(kTop + 12)
          << "\" fill=\"#57606a\">&#8593; far above: " << Html(above) << "</text>\n";
    }
    Line(svg, group_.baseline, "#8c959f", "5 3");
    Line(svg, group_.candidate, Color(group_.verdict), "");
    // The candidate's value for each charted rule, where the limit applies.
    for (const RuleResult& rule : group_.rules) {
      if (!IsChartedLimit(rule) || !rule.candidate ||
          rule.rule.metric.kind != gate::MetricKind::kQuantile)
        continue;
      svg << "<circle cx=\"" << Number(X(rule.rule.metric.q)) << "\" cy=\""
          << Number(Y(*rule.candidate)) << "\" r=\"4.5\" fill=\"" << Color(rule.verdict)
          << "\" stroke=\"#fff\" stroke-width=\"1.5\"><title>"
          << Html(rule.rule.metric.name + " " + ValueText(rule, rule.candidate))
          << "</title></circle>\n";
    }
    // Legend, in the right margin below the limit labels' usual place.
    const double legend_x = kWidth - kRight + 16;
    const double legend_y = kHeight - kBottom - 30;
    svg << "<line x1=\"" << Number(legend_x) << "\" y1=\"" << Number(legend_y) << "\" x2=\""
        << Number(legend_x + 22) << "\" y2=\"" << Number(legend_y)
        << "\" stroke=\"#8c959f\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        << "<text x=\"" << Number(legend_x + 28) << "\" y=\"" << Number(legend_y + 4)
        << "\" fill=\"#57606a\">baseline</text>\n"
        << "<line x1=\"" << Number(legend_x) << "\" y1=\"" << Number(legend_y + 18) << "\" x2=\""
        << Number(legend_x + 22) << "\" y2=\"" << Number(legend_y + 18) << "\" stroke=\""
        << Color(group_.verdict) << "\" stroke-width=\"2.5\"/>"
        << "<text x=\"" << Number(legend_x + 28) << "\" y=\"" << Number(legend_y + 22)
        << "\" fill=\"#57606a\">candidate</text>\n";
    svg << "</svg>";
    return svg.str();
  }

 private:
  static bool IsChartedLimit(const RuleResult& rule) {
    return rule.rule.kind == gate::LimitKind::kMax && rule.rule.metric.OfDuration();
  }
  static std::string_view LimitColor(Verdict verdict) {
    return verdict == Verdict::kFail                                        ? "#cf222e"
           : verdict == Verdict::kWarn || verdict == Verdict::kInconclusive ? "#bf8700"
                                                                            : "#8c959f";
  }
  static std::string_view Color(Verdict verdict) {
    return verdict == Verdict::kFail   ? "#cf222e"
           : verdict == Verdict::kWarn ? "#bf8700"
                                       : "#0969da";
  }
  void Extend(double value) {
    if (!(value > 0) || !std::isfinite(value)) return;
    low_ = low_ > 0 ? std::min(low_, value) : value;
    high_ = std::max(high_, value);
  }
  static double Tail(double q) { return -std::log10(1 - std::min(q, 0.999)); }
  static double X(double q) { return kLeft + (kWidth - kLeft - kRight) * Tail(q) / 3; }
  double Y(double value) const {
    const double clamped = std::clamp(value, low_, high_);
    const double share =
        (std::log10(clamped) - std::log10(low_)) / (std::log10(high_) - std::log10(low_));
    return kHeight - kBottom - (kHeight - kTop - kBottom) * share;
  }
  void Line(std::ostringstream& svg, const std::optional<gate::SideStats>& side,
            std::string_view color, std::string_view dashes) const {
    if (!side || side->distribution.empty()) return;
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\""
        << (dashes.empty() ? "2.5" : "2") << "\""
        << (dashes.empty() ? std::string() : " stroke-dasharray=\"" + std::string(dashes) + "\"")
        << " points=\"";
    bool first = true;
    for (const auto& [q, value] : side->distribution) {
      if (q > 0.999) continue;  // beyond the chart's right edge
      svg << (first ? "" : " ") << Number(X(q)) << "," << Number(Y(value));
      first = false;
    }
    svg << "\"/>\n";
  }

  const GroupResult& group_;
  double low_ = 0;
  double high_ = 0;
};

// Why a transaction got slower, drawn: each release's mean time per request on the critical
// path stacked by cause (the same colour for a cause in both bars), then each cause's change
// as a bar from 0 with its interval as a whisker, increases red and decreases green.
// A cause's interval, or its change alone where it has none (a whisker of no width).
stats::Interval IntervalOf(const explain::Cause& cause) {
  return cause.change_ci.value_or(stats::Interval{cause.change_ms, cause.change_ms});
}

class WhyChart {
 public:
  static constexpr double kWidth = 720, kLabel = 250, kValue = 130, kRow = 22, kTop = 8;
  static constexpr std::size_t kMaxRows = 8;

  WhyChart(const explain::Decomposition& d, double confidence) : d_(d), confidence_(confidence) {
    for (std::size_t i = 0; i < d.causes.size() && rows_.size() < kMaxRows; ++i)
      rows_.push_back(&d.causes[i]);
    // The largest decreases belong in view too: swap them in for the smallest increases.
    std::vector<const explain::Cause*> decreases;
    for (const explain::Cause& cause : d.causes) {
      if (cause.change_ms < 0) decreases.push_back(&cause);
    }
    std::sort(decreases.begin(), decreases.end(),
              [](auto a, auto b) { return a->change_ms < b->change_ms; });
    for (std::size_t k = 0; k < decreases.size() && k < 2; ++k) {
      if (std::find(rows_.begin(), rows_.end(), decreases[k]) == rows_.end())
        rows_[rows_.size() - 1 - k] = decreases[k];
    }
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](auto a, auto b) { return a->change_ms > b->change_ms; });
  }

  std::string Svg() const {
    const double plot = kWidth - kLabel - kValue;
    const double height = kTop + 2 * kRow + 18 + static_cast<double>(rows_.size()) * kRow + 8;
    std::ostringstream svg;
    svg << "<svg viewBox=\"0 0 " << Number(kWidth) << " " << Number(height)
        << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"mean time per "
           "request by cause, and each cause's change\" font-size=\"12\" "
           "font-family=\"system-ui, sans-serif\">\n";
    // Stacked bars: baseline, candidate.
    const double longest = std::max(d_.baseline_ms, d_.candidate_ms);
    double y = kTop;
    for (const bool candidate : {false, true}) {
      const double total = candidate ? d_.candidate_ms : d_.baseline_ms;
      svg << Text(kLabel - 8, y + 15, "end", candidate ? "candidate" : "baseline");
      double x = kLabel;
      for (std::size_t i = 0; i < d_.causes.size(); ++i) {
        const explain::Cause& cause = d_.causes[i];
        const double ms = candidate ? cause.candidate_ms : cause.baseline_ms;
        const double w = longest > 0 ? plot * ms / longest : 0;
        if (!(w > 0)) continue;
        svg << "<rect x=\"" << Number(x) << "\" y=\"" << Number(y + 3) << "\" width=\"" << Number(w)
            << "\" height=\"" << Number(kRow - 6) << "\" fill=\"" << Colour(i) << "\"><title>"
            << Html(CauseName(cause) + ": " + FormatMs(ms)) << "</title></rect>";
        x += w;
      }
      svg << Text(x + 6, y + 15, "start", FormatMs(total)) << "\n";
      y += kRow;
    }
    // Diverging bars of the change, with the interval.
    double reach = 0;
    for (const explain::Cause* cause : rows_) {
      const stats::Interval ci = IntervalOf(*cause);
      reach =
          std::max({reach, std::fabs(ci.lower), std::fabs(ci.upper), std::fabs(cause->change_ms)});
    }
    if (!(reach > 0)) reach = 1;
    const double zero = kLabel + plot / 2;
    const double scale = plot / 2 / reach;
    y += 18;
    svg << Text(zero, y - 4, "middle", "change per request (" + ConfidenceLabel() + " CI)");
    svg << "<line x1=\"" << Number(zero) << "\" y1=\"" << Number(y) << "\" x2=\"" << Number(zero)
        << "\" y2=\"" << Number(y + static_cast<double>(rows_.size()) * kRow)
        << "\" stroke=\"#8c959f\"/>\n";
    for (const explain::Cause* cause : rows_) {
      const std::size_t colour = static_cast<std::size_t>(cause - d_.causes.data());
      svg << "<rect x=\"" << Number(kLabel - 244) << "\" y=\"" << Number(y + 6)
          << "\" width=\"10\" height=\"10\" fill=\"" << Colour(colour) << "\"/>"
          << Text(kLabel - 8, y + 15, "end", Shorten(CauseName(*cause)));
      const double end = zero + cause->change_ms * scale;
      svg << "<rect x=\"" << Number(std::min(zero, end)) << "\" y=\"" << Number(y + 4)
          << "\" width=\"" << Number(std::fabs(end - zero)) << "\" height=\"" << Number(kRow - 8)
          << "\" fill=\"" << (cause->change_ms > 0 ? "#cf222e" : "#1a7f37") << "\"><title>"
          << Html(CauseSentence(*cause, confidence_)) << "</title></rect>";
      const double low = zero + IntervalOf(*cause).lower * scale;
      const double high = zero + IntervalOf(*cause).upper * scale;
      const double mid = y + kRow / 2;
      svg << "<path d=\"M" << Number(low) << " " << Number(mid) << "H" << Number(high) << "M"
          << Number(low) << " " << Number(mid - 4) << "V" << Number(mid + 4) << "M" << Number(high)
          << " " << Number(mid - 4) << "V" << Number(mid + 4)
          << "\" stroke=\"#1f2328\" fill=\"none\"/>";
      std::string value = FormatAbsoluteChange(cause->change_ms, true);
      if (cause->status == explain::CauseStatus::kNew) value += " (new)";
      svg << Text(kWidth - kValue + 8, y + 15, "start", value) << "\n";
      y += kRow;
    }
    svg << "</svg>";
    return svg.str();
  }

 private:
  static std::string Text(double x, double y, std::string_view anchor, const std::string& text) {
    return SvgText(x, y, anchor, text);
  }
  // Long SQL would run into the bars: the full name is in the bar's tooltip.
  static std::string Shorten(const std::string& text) {
    constexpr std::size_t kChars = 34;
    if (text.size() <= kChars) return text;
    std::size_t cut = kChars - 1;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "\u2026";
  }
  static std::string_view Colour(std::size_t i) {
    static constexpr std::string_view kPalette[] = {"#0969da", "#bf3989", "#1a7f37", "#9a6700",
                                                    "#8250df", "#bc4c00", "#57606a", "#0a3069"};
    return kPalette[i % std::size(kPalette)];
  }
  std::string ConfidenceLabel() const { return FormatNumber(confidence_ * 100) + " %"; }

  const explain::Decomposition& d_;
  double confidence_;
  std::vector<const explain::Cause*> rows_;
};

}  // namespace

std::string LatencyChartSvg(const gate::GroupResult& group) { return Chart(group).Svg(); }

namespace {

// Google's bands for a Web Vital, or nullptr for another value.
const gate::WebVitalLimits* VitalBands(const gate::Metric& metric) {
  for (const gate::WebVitalLimits& vital : gate::kWebVitalLimits) {
    if (metric.value == vital.measurement) return &vital;
  }
  return nullptr;
}

std::string_view VerdictColor(Verdict verdict) {
  return verdict == Verdict::kFail                                        ? "#cf222e"
         : verdict == Verdict::kWarn || verdict == Verdict::kInconclusive ? "#9a6700"
                                                                          : "#1a7f37";
}

}  // namespace

std::string ValuesChartSvg(const gate::GroupResult& group) {
  // One row per metric other than the durations' and the error rate: its rules' values,
  // intervals and absolute limits; the worst verdict of its rules colours the candidate.
  struct Row {
    const RuleResult* shown;  // the rule whose values and intervals are drawn
    Verdict worst = Verdict::kPass;
    std::vector<double> limits;
  };
  std::vector<Row> rows;
  for (const RuleResult& rule : group.rules) {
    const gate::Metric& metric = rule.rule.metric;
    if (metric.OfDuration() || metric.kind == gate::MetricKind::kErrorRate) continue;
    auto row = std::find_if(rows.begin(), rows.end(),
                            [&](const Row& r) { return r.shown->rule.metric == metric; });
    if (row == rows.end()) row = rows.insert(rows.end(), Row{&rule, Verdict::kPass, {}});
    if (gate::VerdictRank(rule.verdict) > gate::VerdictRank(row->worst)) row->worst = rule.verdict;
    if (!gate::IsRelative(rule.rule.kind)) row->limits.push_back(rule.rule.limit);
    if (!gate::IsRelative(rule.rule.kind) && rule.candidate_ci && !row->shown->candidate_ci)
      row->shown = &rule;
  }
  if (rows.empty()) return "";
  constexpr double kWidth = 720, kLabel = 230, kRight = 24, kRowHeight = 46;
  std::ostringstream svg;
  svg << "<svg viewBox=\"0 0 " << Number(kWidth) << " "
      << Number(kRowHeight * static_cast<double>(rows.size()) + 8)
      << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"other metrics of "
      << Html(group.name) << "\" font-size=\"12\" font-family=\"system-ui, sans-serif\">\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const RuleResult& rule = *row.shown;
    const gate::WebVitalLimits* bands = VitalBands(rule.rule.metric);
    // The scale: from 0 past the largest value, interval end, limit and band edge.
    double high = 0;
    for (const auto& value : {rule.baseline, rule.candidate})
      high = std::max(high, value.value_or(0));
    for (const auto& ci : {rule.baseline_ci, rule.candidate_ci}) {
      if (ci && std::isfinite(ci->upper)) high = std::max(high, ci->upper);
    }
    for (double limit : row.limits) high = std::max(high, limit);
    if (bands) high = std::max(high, bands->poor * 1.25);
    if (!(high > 0)) high = 1;
    high *= 1.1;
    const double top = 8 + kRowHeight * static_cast<double>(i);
    auto x = [&](double value) {
      return kLabel + (kWidth - kLabel - kRight) * std::clamp(value / high, 0.0, 1.0);
    };
    svg << SvgText(kLabel - 8, top + 20, "end", rule.rule.metric.name);
    if (bands) {  // good, needs improvement, poor
      const double edges[] = {0, bands->good, bands->poor, high};
      const char* fills[] = {"#dafbe1", "#fff8c5", "#ffebe9"};
      for (int b = 0; b < 3; ++b) {
        svg << "<rect x=\"" << Number(x(edges[b])) << "\" y=\"" << Number(top + 4) << "\" width=\""
            << Number(x(edges[b + 1]) - x(edges[b])) << "\" height=\"24\" fill=\"" << fills[b]
            << "\"/>";
      }
    } else {
      svg << "<rect x=\"" << Number(kLabel) << "\" y=\"" << Number(top + 4) << "\" width=\""
          << Number(kWidth - kLabel - kRight) << "\" height=\"24\" fill=\"#f6f8fa\"/>";
    }
    for (double limit : row.limits) {
      svg << "<line x1=\"" << Number(x(limit)) << "\" y1=\"" << Number(top + 1) << "\" x2=\""
          << Number(x(limit)) << "\" y2=\"" << Number(top + 31)
          << "\" stroke=\"#57606a\" stroke-dasharray=\"3 2\"/>";
    }
    // Each side's value with its interval: the baseline above, the candidate below.
    const struct {
      std::optional<double> value;
      std::optional<stats::Interval> ci;
      double y;
      std::string_view color;
      const char* label;
    } sides[] = {
        {rule.baseline, rule.baseline_ci, top + 11, "#8c959f", "baseline"},
        {rule.candidate, rule.candidate_ci, top + 21, VerdictColor(row.worst), "candidate"}};
    for (const auto& side : sides) {
      if (!side.value || !std::isfinite(*side.value)) continue;
      if (side.ci && std::isfinite(side.ci->lower) && std::isfinite(side.ci->upper)) {
        svg << "<line x1=\"" << Number(x(side.ci->lower)) << "\" y1=\"" << Number(side.y)
            << "\" x2=\"" << Number(x(side.ci->upper)) << "\" y2=\"" << Number(side.y)
            << "\" stroke=\"" << side.color << "\" stroke-width=\"2\"/>";
      }
      svg << "<circle cx=\"" << Number(x(*side.value)) << "\" cy=\"" << Number(side.y)
          << "\" r=\"4\" fill=\"" << side.color << "\"><title>" << side.label << " "
          << Html(ValueText(rule, side.value)) << "</title></circle>";
    }
    svg << SvgText(kLabel, top + 42, "start", "0")
        << SvgText(kWidth - kRight, top + 42, "end", ValueText(rule, high / 1.1)) << "\n";
  }
  svg << "</svg>";
  return svg.str();
}

std::string WhyChartSvg(const explain::Decomposition& decomposition, double confidence) {
  return WhyChart(decomposition, confidence).Svg();
}

}  // namespace perfgate::reports
