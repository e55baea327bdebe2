#include "gate/thresholds.h"

#include <cstdio>

#include "core/number_format.h"

namespace perfgate::gate {

bool GlobMatch(std::string_view glob, std::string_view name) {
  // Iterative wildcard matching with one backtrack point: linear in practice, no recursion.
  std::size_t g = 0, n = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == name[n])) {
      ++g;
      ++n;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = n;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

std::vector<const Rule*> AllRules(const Thresholds& config) {
  std::vector<const Rule*> rules;
  for (const Rule& rule : config.rules) rules.push_back(&rule);
  for (const GroupOverride& group : config.groups) {
    if (!group.rules) continue;
    for (const Rule& rule : *group.rules) rules.push_back(&rule);
  }
  return rules;
}

std::string LimitValueText(const Rule& rule) {
  const MetricUnit unit = rule.metric.unit;
  auto in_unit = [&](double value) {
    switch (unit) {
      case MetricUnit::kMilliseconds:
        return FormatNumber(value) + " ms";
      case MetricUnit::kFraction:
        return FormatNumber(value * 100) + (IsRelative(rule.kind) ? " pp" : " %");
      case MetricUnit::kPerMinute:
        return FormatNumber(value) + " /min";
      case MetricUnit::kNumber:
        break;
    }
    return FormatNumber(value);
  };
  if (!IsRelative(rule.kind)) return in_unit(rule.limit);
  const std::string sign = rule.kind == LimitKind::kMaxDecrease ? "-" : "+";
  if (rule.unit == ChangeUnit::kRelative) return sign + FormatNumber(rule.limit * 100) + " %";
  return sign + in_unit(rule.limit);
}

std::string LimitText(const Rule& rule) {
  switch (rule.kind) {
    case LimitKind::kMax:
      return rule.metric.name + " <= " + LimitValueText(rule);
    case LimitKind::kMaxIncrease:
      if (rule.drift_releases > 0) {
        return rule.metric.name + " drift over " + std::to_string(rule.drift_releases) +
               " releases <= " + LimitValueText(rule);
      }
      return rule.metric.name + " increase <= " + LimitValueText(rule);
    case LimitKind::kMin:
      return rule.metric.name + " >= " + LimitValueText(rule);
    case LimitKind::kMaxDecrease:
      return rule.metric.name + " change >= " + LimitValueText(rule);
  }
  return rule.metric.name;
}

std::optional<std::chrono::year_month_day> ParseDateText(const std::string& text) {
  int year = 0;
  unsigned month = 0, day = 0;
  char tail = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail) != 3) {
    return std::nullopt;
  }
  return std::chrono::year_month_day{std::chrono::year{year}, std::chrono::month{month},
                                     std::chrono::day{day}};
}

std::string DateText(std::chrono::year_month_day date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

}  // namespace perfgate::gate
