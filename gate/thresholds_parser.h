// Parses and validates thresholds.yaml into the Thresholds model. Strict: unknown keys,
// misspelt metric names, bad units and impossible limits are errors that carry
// "file:line:column" and, where something close exists, "did you mean".
#ifndef PERFGATE_GATE_THRESHOLDS_PARSER_H_
#define PERFGATE_GATE_THRESHOLDS_PARSER_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "core/result.h"
#include "gate/thresholds.h"

namespace perfgate::gate {

// The most YAML nodes a config may expand to, its aliases followed: 1,000 groups of ten
// rules take under 100,000.
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;
// The deepest a config may nest flow collections ([ and {), and the most columns it may
// indent: yaml-cpp recurses once a level, so these bound its stack. Real configs use a few.
inline constexpr std::size_t kMaxConfigDepth = 64;
inline constexpr std::size_t kMaxConfigIndent = 256;

// `text` is the YAML; `source_name` names it in errors and in every rule's origin.
// Returns a kConfig error on any problem; never a partially filled model.
Result<Thresholds> ParseThresholds(std::string_view text, std::string_view source_name);

// The keys one map of the config may hold: "" is the top level, "rules[]" a rule. What
// docs/thresholds.schema.json is checked against.
struct ConfigSection {
  std::string_view path;
  std::span<const std::string_view> keys;
};
std::span<const ConfigSection> ConfigSections();

// The defaults used when no config is given: the same rules as the repository's
// thresholds.yaml (p95 <= 8000 ms, p50 <= 3000 ms, error_rate <= 1 %, p95 increase
// <= +10 % as a warning), attributed to "(built-in defaults)".
Thresholds DefaultThresholds();

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_THRESHOLDS_PARSER_H_
