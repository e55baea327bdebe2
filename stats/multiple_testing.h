// Adjusting p-values for many tests at once, so that judging 50 transactions x 2 relative
// rules does not raise 5 false alarms at alpha = 0.05.
#ifndef PERFGATE_STATS_MULTIPLE_TESTING_H_
#define PERFGATE_STATS_MULTIPLE_TESTING_H_

#include <optional>
#include <string_view>
#include <vector>

namespace perfgate::stats {

enum class Correction {
  kHolm,               // family-wise error rate (Holm 1979): the default
  kBenjaminiHochberg,  // false discovery rate (Benjamini & Hochberg 1995)
  kNone,
};
std::string_view CorrectionName(Correction correction);  // "holm", "bh", "none"
std::optional<Correction> CorrectionFromName(std::string_view name);

// Adjusted p-values in the input's order (as R's p.adjust): compare each with alpha.
std::vector<double> AdjustPValues(const std::vector<double>& p_values, Correction correction);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_MULTIPLE_TESTING_H_
