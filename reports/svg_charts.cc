#include "reports/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/number_format.h"
#include "core/timestamp.h"
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

// A log scale of durations over [low, high], widened a little to quarter decades, onto the
// pixels [from, to] (`to` may be below `from`: y grows downwards).
class LogScale {
 public:
  // Takes every positive finite value of `values`; `limits` too where they are at most ten
  // times the largest value (a limit far above would flatten the data into the floor).
  LogScale(const std::vector<double>& values, const std::vector<double>& limits) {
    for (double value : values) Extend(value);
    const double data_high = high_;
    for (double limit : limits) {
      if (data_high <= 0 || limit <= data_high * 10) Extend(limit);
    }
    if (!(low_ > 0)) low_ = 0.1;
    if (!(high_ > low_)) high_ = low_ * 10;
    low_ = std::pow(10, std::floor(std::log10(low_) * 4) / 4);
    high_ = std::pow(10, std::ceil(std::log10(high_) * 4) / 4);
  }
  double low() const { return low_; }
  double high() const { return high_; }
  // The share of the way from low to high of `value`, clamped to [0, 1].
  double Share(double value) const {
    const double clamped = std::clamp(value, low_, high_);
    return (std::log10(clamped) - std::log10(low_)) / (std::log10(high_) - std::log10(low_));
  }
  double At(double value, double from, double to) const {
    return from + (to - from) * Share(value);
  }
  // The values worth a grid line: 1, 2 and 5 times each power of ten in range.
  std::vector<double> Ticks() const {
    std::vector<double> ticks;
    for (int exponent = static_cast<int>(std::floor(std::log10(low_)));
         std::pow(10, exponent) <= high_ * 1.0001; ++exponent) {
      for (double step : {1.0, 2.0, 5.0}) {
        const double value = std::pow(10, exponent) * step;
        if (value >= low_ * 0.9999 && value <= high_ * 1.0001) ticks.push_back(value);
      }
    }
    return ticks;
  }

 private:
  void Extend(double value) {
    if (!(value > 0) || !std::isfinite(value)) return;
    low_ = low_ > 0 ? std::min(low_, value) : value;
    high_ = std::max(high_, value);
  }
  double low_ = 0;
  double high_ = 0;
};

bool IsDurationLimit(const RuleResult& rule) {
  return rule.rule.kind == gate::LimitKind::kMax && rule.rule.metric.OfDuration();
}

// The durations a group's charts show: both sides' distributions; and its duration limits.
std::vector<double> DistributionValues(const GroupResult& group) {
  std::vector<double> values;
  for (const auto* side : {&group.baseline, &group.candidate}) {
    if (!*side) continue;
    for (const auto& [q, value] : (**side).distribution) values.push_back(value);
  }
  return values;
}
std::vector<double> DurationLimits(const GroupResult& group) {
  std::vector<double> limits;
  for (const RuleResult& rule : group.rules) {
    if (IsDurationLimit(rule)) limits.push_back(rule.rule.limit);
  }
  return limits;
}

// The svg element's opening tag: `width` by `height`, labelled for screen readers.
std::string SvgOpen(double width, double height, const std::string& label) {
  return "<svg viewBox=\"0 0 " + Number(width) + " " + Number(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" + Html(label) +
         "\" font-size=\"12\" font-family=\"system-ui, sans-serif\">\n";
}

// A line from (x1, y1) to (x2, y2) with more attributes (stroke, dashes).
std::string SvgLine(double x1, double y1, double x2, double y2, std::string_view attributes) {
  return "<line x1=\"" + Number(x1) + "\" y1=\"" + Number(y1) + "\" x2=\"" + Number(x2) +
         "\" y2=\"" + Number(y2) + "\" " + std::string(attributes) + "/>";
}

// A label in the muted grey of axes.
std::string AxisText(double x, double y, std::string_view anchor, const std::string& text) {
  return "<text x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" text-anchor=\"" +
         std::string(anchor) + "\" fill=\"#57606a\">" + Html(text) + "</text>";
}

// `text` cut to fewer than `chars` bytes on a character boundary, with an ellipsis, when it
// is longer: long SQL would run into the bars (the full name is in the bar's tooltip).
std::string Shorten(const std::string& text, std::size_t chars) {
  if (text.size() <= chars) return text;
  std::size_t cut = chars - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

// The candidate's colour: its verdict's when it failed or warned, else blue.
std::string_view CandidateColor(Verdict verdict) {
  return verdict == Verdict::kFail ? "#cf222e" : verdict == Verdict::kWarn ? "#bf8700" : "#0969da";
}

// The latency-percentile chart: x is the percentile on a tail-stretching scale
// (-log10(1 - q): 90 %, 99 % and 99.9 % equally apart), y the latency on a log scale.
class Chart {
 public:
  static constexpr double kWidth = 720, kHeight = 250, kLeft = 64, kRight = 150, kTop = 14,
                          kBottom = 34;

  // A limit far above the data would flatten it into the floor: such limits stay off the
  // axis and are named in a corner instead.
  explicit Chart(const GroupResult& group)
      : group_(group), scale_(DistributionValues(group), DurationLimits(group)) {}

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
    for (double value : scale_.Ticks()) {
      const double y = Y(value);
      svg << SvgLine(kLeft, y, kWidth - kRight, y, "stroke=\"#eaeef2\"")
          << AxisText(kLeft - 6, y + 4, "end", FormatMs(value)) << "\n";
    }
    svg << "<text x=\"" << Number((kLeft + kWidth - kRight) / 2) << "\" y=\"" << Number(kHeight - 4)
        << "\" text-anchor=\"middle\" fill=\"#57606a\">percentile</text>\n";
    // Limits of absolute duration rules: a dashed line at the limit, labelled at the right,
    // red when the rule failed; limits far above the data are listed at the top instead.
    double label_y = -100;
    std::string above;
    for (const RuleResult& rule : group_.rules) {
      if (!IsDurationLimit(rule)) continue;
      const std::string_view color = LimitColor(rule.verdict);
      if (rule.rule.limit > scale_.high()) {
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
      if (!IsDurationLimit(rule) || !rule.candidate ||
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
  static std::string_view LimitColor(Verdict verdict) {
    return verdict == Verdict::kFail                                        ? "#cf222e"
           : verdict == Verdict::kWarn || verdict == Verdict::kInconclusive ? "#bf8700"
                                                                            : "#8c959f";
  }
  static std::string_view Color(Verdict verdict) { return CandidateColor(verdict); }
  static double Tail(double q) { return -std::log10(1 - std::min(q, 0.999)); }
  static double X(double q) { return kLeft + (kWidth - kLeft - kRight) * Tail(q) / 3; }
  double Y(double value) const { return scale_.At(value, kHeight - kBottom, kTop); }
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
  LogScale scale_;
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
    svg << Text(zero, y - 4, "middle",
                d_.change_ci ? "change per request (" + ConfidenceLabel() + " CI)"
                             : "change per request (from aggregates: no interval)");
    svg << "<line x1=\"" << Number(zero) << "\" y1=\"" << Number(y) << "\" x2=\"" << Number(zero)
        << "\" y2=\"" << Number(y + static_cast<double>(rows_.size()) * kRow)
        << "\" stroke=\"#8c959f\"/>\n";
    for (const explain::Cause* cause : rows_) {
      const std::size_t colour = static_cast<std::size_t>(cause - d_.causes.data());
      svg << "<rect x=\"" << Number(kLabel - 244) << "\" y=\"" << Number(y + 6)
          << "\" width=\"10\" height=\"10\" fill=\"" << Colour(colour) << "\"/>"
          << Text(kLabel - 8, y + 15, "end", Shorten(CauseName(*cause), 30));
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

// The share of a side's events no slower than `value`, from its distribution's (q, value)
// points, linear between them.
double ShareUpTo(const std::vector<std::pair<double, double>>& distribution, double value) {
  if (value < distribution.front().second) return 0;
  if (value >= distribution.back().second) return distribution.back().first;
  auto above = std::upper_bound(
      distribution.begin(), distribution.end(), value,
      [](double v, const std::pair<double, double>& point) { return v < point.second; });
  const auto& [q1, v1] = *above;
  const auto& [q0, v0] = *(above - 1);
  return v1 > v0 ? q0 + (q1 - q0) * (value - v0) / (v1 - v0) : q1;
}

// A polyline of `points`, broken where a point is missing (NaN y).
std::string BrokenPath(const std::vector<std::pair<double, double>>& points) {
  std::string d;
  bool pen_down = false;
  for (const auto& [x, y] : points) {
    if (!std::isfinite(y)) {
      pen_down = false;
      continue;
    }
    d += (pen_down ? "L" : "M") + Number(x) + " " + Number(y);
    pen_down = true;
  }
  return d;
}

// "2026-11-10 00:00 to 11:55 UTC", the day left out of the end when it is the start's.
std::string WindowText(double start_s, double end_s) {
  std::string from = FormatUtcMinute(start_s);  // "2026-11-10 00:00 UTC"
  std::string to = FormatUtcMinute(end_s);
  from.resize(from.size() - 4);
  if (from.substr(0, 10) == to.substr(0, 10)) to = to.substr(11);
  return from + " to " + to;
}

}  // namespace

std::string DensityChartSvg(const gate::GroupResult& group) {
  constexpr std::size_t kMinPoints = 20, kBins = 40;
  for (const auto* side : {&group.baseline, &group.candidate}) {
    if (!*side || (**side).distribution.size() < kMinPoints) return "";
  }
  constexpr double kWidth = 720, kHeight = 150, kLeft = 64, kRight = 150, kTop = 10, kBottom = 34;
  const LogScale scale(DistributionValues(group), DurationLimits(group));
  auto x = [&](double value) { return scale.At(value, kLeft, kWidth - kRight); };
  // Each side's share of events in each of kBins bins of equal log width.
  std::vector<double> edges(kBins + 1);
  for (std::size_t b = 0; b <= kBins; ++b)
    edges[b] = scale.low() * std::pow(scale.high() / scale.low(),
                                      static_cast<double>(b) / static_cast<double>(kBins));
  std::vector<double> shares[2];
  double most = 0;
  for (int s = 0; s < 2; ++s) {
    const auto& distribution = (s == 0 ? group.baseline : group.candidate)->distribution;
    for (std::size_t b = 0; b < kBins; ++b) {
      shares[s].push_back(ShareUpTo(distribution, edges[b + 1]) -
                          (b == 0 ? 0 : ShareUpTo(distribution, edges[b])));
      most = std::max(most, shares[s].back());
    }
  }
  if (!(most > 0)) return "";
  auto y = [&](double share) {
    return kHeight - kBottom - (kHeight - kTop - kBottom) * share / most;
  };
  std::ostringstream svg;
  svg << SvgOpen(kWidth, kHeight, "share of events by duration in each release of " + group.name);
  for (double value : scale.Ticks()) {
    svg << SvgLine(x(value), kTop, x(value), kHeight - kBottom, "stroke=\"#eaeef2\"")
        << AxisText(x(value), kHeight - kBottom + 16, "middle", FormatMs(value)) << "\n";
  }
  svg << AxisText((kLeft + kWidth - kRight) / 2, kHeight - 4, "middle",
                  "duration (log scale): share of events")
      << AxisText(kLeft - 6, kTop + 10, "end", FormatPercent(most)) << "\n";
  for (int s = 0; s < 2; ++s) {
    std::string d = "M" + Number(x(edges[0])) + " " + Number(y(0));
    for (std::size_t b = 0; b < kBins; ++b)
      d += "L" + Number(x(edges[b])) + " " + Number(y(shares[s][b])) + "L" +
           Number(x(edges[b + 1])) + " " + Number(y(shares[s][b]));
    d += "L" + Number(x(edges[kBins])) + " " + Number(y(0));
    const std::string_view color = s == 0 ? "#8c959f" : CandidateColor(group.verdict);
    svg << "<path d=\"" << d << "\" stroke=\"" << color << "\" stroke-width=\"1.5\" fill=\""
        << (s == 0 ? std::string("none") : std::string(color) + "\" fill-opacity=\"0.18") << "\""
        << (s == 0 ? " stroke-dasharray=\"5 3\"" : "") << "/>\n";
  }
  for (const RuleResult& rule : group.rules) {
    if (!IsDurationLimit(rule) || rule.rule.limit > scale.high()) continue;
    svg << SvgLine(x(rule.rule.limit), kTop, x(rule.rule.limit), kHeight - kBottom,
                   "stroke=\"#57606a\" stroke-dasharray=\"6 4\"")
        << "<title>" << Html(rule.limit_text) << "</title>";
  }
  const double legend_x = kWidth - kRight + 16;
  svg << SvgLine(legend_x, kTop + 16, legend_x + 22, kTop + 16,
                 "stroke=\"#8c959f\" stroke-width=\"2\" stroke-dasharray=\"5 3\"")
      << AxisText(legend_x + 28, kTop + 20, "start", "baseline") << "<rect x=\"" << Number(legend_x)
      << "\" y=\"" << Number(kTop + 30) << "\" width=\"22\" height=\"10\" fill=\""
      << CandidateColor(group.verdict) << "\" fill-opacity=\"0.3\"/>"
      << AxisText(legend_x + 28, kTop + 40, "start", "candidate") << "\n</svg>";
  return svg.str();
}

std::string TimelineChartSvg(const gate::GroupResult& group) {
  const gate::SideStats* sides[2] = {group.baseline ? &*group.baseline : nullptr,
                                     group.candidate ? &*group.candidate : nullptr};
  std::vector<double> values;
  for (const gate::SideStats* side : sides) {
    if (side == nullptr) continue;
    for (const gate::TimeBucket& bucket : side->timeline)
      values.insert(values.end(), {bucket.p50_ms, bucket.p95_ms});
  }
  if (values.empty()) return "";
  std::vector<double> limits;  // of the p50 and p95 drawn
  for (const RuleResult& rule : group.rules) {
    if (IsDurationLimit(rule) && rule.rule.metric.kind == gate::MetricKind::kQuantile &&
        (rule.rule.metric.q == 0.5 || rule.rule.metric.q == 0.95))
      limits.push_back(rule.rule.limit);
  }
  const LogScale scale(values, limits);
  constexpr double kWidth = 720, kHeight = 190, kLeft = 64, kGap = 24, kRight = 10, kTop = 24,
                   kBottom = 40, kTraffic = 18;
  const double panel = (kWidth - kLeft - kRight - kGap) / 2;
  auto y = [&](double value) { return scale.At(value, kHeight - kBottom - kTraffic, kTop); };
  std::ostringstream svg;
  svg << SvgOpen(kWidth, kHeight, "p50 and p95 of " + group.name + " over each release's time");
  for (double value : scale.Ticks()) {
    svg << SvgLine(kLeft, y(value), kWidth - kRight, y(value), "stroke=\"#eaeef2\"")
        << AxisText(kLeft - 6, y(value) + 4, "end", FormatMs(value)) << "\n";
  }
  for (double limit : limits) {
    if (limit > scale.high()) continue;
    svg << SvgLine(kLeft, y(limit), kWidth - kRight, y(limit),
                   "stroke=\"#57606a\" stroke-dasharray=\"6 4\"");
  }
  for (int s = 0; s < 2; ++s) {
    const double left = kLeft + (panel + kGap) * s;
    const std::string_view color = s == 0 ? "#8c959f" : CandidateColor(group.verdict);
    const std::string name = s == 0 ? "baseline" : "candidate";
    if (sides[s] == nullptr || sides[s]->timeline.empty()) {
      svg << AxisText(left + panel / 2, kTop + 40, "middle", name + ": its events carry no times");
      continue;
    }
    const std::vector<gate::TimeBucket>& timeline = sides[s]->timeline;
    const double step = panel / static_cast<double>(timeline.size());
    std::size_t busiest = 1;
    for (const gate::TimeBucket& bucket : timeline) busiest = std::max(busiest, bucket.count);
    std::vector<std::pair<double, double>> p50, p95;
    for (std::size_t b = 0; b < timeline.size(); ++b) {
      const gate::TimeBucket& bucket = timeline[b];
      const double mid = left + step * (static_cast<double>(b) + 0.5);
      const double traffic =
          kTraffic * static_cast<double>(bucket.count) / static_cast<double>(busiest);
      svg << "<rect x=\"" << Number(left + step * static_cast<double>(b) + 1) << "\" y=\""
          << Number(kHeight - kBottom - traffic) << "\" width=\"" << Number(step - 2)
          << "\" height=\"" << Number(traffic) << "\" fill=\"#d0d7de\"><title>"
          << Html(WindowText(bucket.start_s, bucket.end_s) + ": " + std::to_string(bucket.count) +
                  " events, " + std::to_string(bucket.failures) + " failed" +
                  (bucket.count > 0 ? ", p50 " + FormatMs(bucket.p50_ms) : "") +
                  (std::isfinite(bucket.p95_ms) ? ", p95 " + FormatMs(bucket.p95_ms) : ""))
          << "</title></rect>";
      p50.emplace_back(mid, bucket.count > 0 ? y(bucket.p50_ms) : NAN);
      p95.emplace_back(mid, std::isfinite(bucket.p95_ms) ? y(bucket.p95_ms) : NAN);
    }
    svg << "<path d=\"" << BrokenPath(p95) << "\" fill=\"none\" stroke=\"" << color
        << "\" stroke-width=\"2.5\"/>"
        << "<path d=\"" << BrokenPath(p50) << "\" fill=\"none\" stroke=\"" << color
        << "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n"
        << SvgText(left, kTop - 8, "start", name)
        << AxisText(left + panel / 2, kHeight - kBottom + 16, "middle",
                    WindowText(timeline.front().start_s, timeline.back().end_s))
        << "\n";
  }
  svg << AxisText(kLeft, kHeight - 6, "start",
                  "solid: p95, dotted: p50; grey bars: events in each stretch; dashed: limits")
      << "\n</svg>";
  return svg.str();
}

std::string WaterfallSvg(const explain::Explanation& why) {
  const explain::Exemplar* shown[2] = {nullptr, nullptr};  // the slowest candidate, a baseline
  for (const explain::Exemplar& exemplar : why.exemplars) {
    const explain::Exemplar*& slot = shown[exemplar.baseline ? 1 : 0];
    if (slot == nullptr && !exemplar.spans.empty()) slot = &exemplar;
  }
  if (shown[0] == nullptr && shown[1] == nullptr) return "";
  double longest = 0;
  std::size_t rows = 0;
  for (const explain::Exemplar* exemplar : shown) {
    if (exemplar == nullptr) continue;
    rows += exemplar->spans.size() + 1;
    for (const explain::ExemplarSpan& span : exemplar->spans)
      longest = std::max(longest, span.end_ms);
  }
  if (!(longest > 0)) longest = 1;
  constexpr double kWidth = 720, kLabel = 280, kRight = 70, kRow = 16, kTop = 4;
  const double height = kTop + kRow * (static_cast<double>(rows) + 1) + 8;
  auto x = [&](double ms) {
    return kLabel + (kWidth - kLabel - kRight) * std::max(0.0, ms) / longest;
  };
  std::ostringstream svg;
  svg << SvgOpen(kWidth, height, "the spans of the slowest candidate request and a baseline one");
  double y = kTop;
  for (const explain::Exemplar* exemplar : shown) {
    if (exemplar == nullptr) continue;
    std::string title = ExemplarLabel(*exemplar);
    if (exemplar->span_count > exemplar->spans.size())
      title += ", first " + std::to_string(exemplar->spans.size()) + " of " +
               std::to_string(exemplar->span_count) + " spans";
    svg << SvgText(4, y + 12, "start", title) << "\n";
    y += kRow;
    for (const explain::ExemplarSpan& span : exemplar->spans) {
      const std::string label =
          Shorten(span.op + (span.description.empty() ? "" : " " + span.description), 40);
      const double indent = 4 + 10 * std::min(span.depth, 8);
      const double left = x(span.start_ms);
      const double width = std::max(1.0, x(span.end_ms) - left);
      svg << AxisText(indent, y + 12, "start", label) << "<rect x=\"" << Number(left) << "\" y=\""
          << Number(y + 3) << "\" width=\"" << Number(width) << "\" height=\"" << Number(kRow - 5)
          << "\" fill=\"" << (exemplar->baseline ? "#8c959f" : "#0969da") << "\"><title>"
          << Html(span.op + " " + span.description + ": " + FormatMs(span.end_ms - span.start_ms) +
                  " from " + FormatMs(span.start_ms))
          << "</title></rect>"
          << AxisText(left + width + 4, y + 12, "start", FormatMs(span.end_ms - span.start_ms))
          << "\n";
      y += kRow;
    }
  }
  svg << AxisText(kLabel, y + 12, "start", "0")
      << AxisText(kWidth - kRight, y + 12, "end", FormatMs(longest)) << "\n</svg>";
  return svg.str();
}

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
  // One row per metric other than the durations': its rules' values, intervals and
  // absolute limits; the worst verdict of its rules colours the candidate.
  struct Row {
    const RuleResult* shown;  // the rule whose values and intervals are drawn
    Verdict worst = Verdict::kPass;
    std::vector<double> limits;
  };
  std::vector<Row> rows;
  for (const RuleResult& rule : group.rules) {
    const gate::Metric& metric = rule.rule.metric;
    if (metric.OfDuration()) continue;
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
    svg << SvgText(kLabel - 8, top + 20, "end",
                   rule.rule.metric.kind == gate::MetricKind::kErrorRate ? "error rate"
                                                                         : rule.rule.metric.name);
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
