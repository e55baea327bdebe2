// Adjusting p-values for many tests at once, so that judging 50 transactions x 2 relative
// rules does not raise 5 false alarms at alpha = 0.05.
#ifndef PERFGATE_STATS_MULTIPLE_TESTING_H_
#define PERFGATE_STATS_MULTIPLE_TESTING_H_

#include <optional>
#include <string_view>
#include <vector>

#include "core/enum_names.h"

namespace perfgate::stats {

enum class Correction {
  kHolm,               // family-wise error rate (Holm 1979): the default
  kBenjaminiHochberg,  // false discovery rate (Benjamini & Hochberg 1995)
  kNone,
};
inline constexpr NameTable<Correction, 3> kCorrectionNames = {
    {{Correction::kHolm, "holm"},
     {Correction::kBenjaminiHochberg, "bh"},
     {Correction::kNone, "none"}}};
// As reports name them.
inline constexpr NameTable<Correction, 3> kCorrectionTitles = {
    {{Correction::kHolm, "Holm"},
     {Correction::kBenjaminiHochberg, "Benjamini-Hochberg"},
     {Correction::kNone, "no"}}};

// Adjusted p-values in the input's order (as R's p.adjust): compare each with alpha.
std::vector<double> AdjustPValues(const std::vector<double>& p_values, Correction correction);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_MULTIPLE_TESTING_H_
