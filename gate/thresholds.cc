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

std::string LimitValueText(const Rule& rule) {
  const MetricUnit unit = rule.metric.unit;
  if (rule.kind == LimitKind::kMax) {
    return unit == MetricUnit::kMilliseconds ? FormatNumber(rule.limit) + " ms"
           : unit == MetricUnit::kFraction   ? FormatNumber(rule.limit * 100) + " %"
                                             : FormatNumber(rule.limit);
  }
  if (rule.unit == ChangeUnit::kRelative) return "+" + FormatNumber(rule.limit * 100) + " %";
  return "+" + (unit == MetricUnit::kMilliseconds ? FormatNumber(rule.limit) + " ms"
                : unit == MetricUnit::kFraction   ? FormatNumber(rule.limit * 100) + " pp"
                                                  : FormatNumber(rule.limit));
}

std::string LimitText(const Rule& rule) {
  return rule.metric.name + (rule.kind == LimitKind::kMax ? " <= " : " increase <= ") +
         LimitValueText(rule);
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
