// libFuzzer target: duration and percent literals ("8000ms", "1.5s", "1%", "0.01"), as the
// value of an absolute limit on a duration and on a rate and of a relative limit. A value
// accepted is finite and not negative.
#include <cmath>
#include <string>

#include "fuzz/fuzz_input.h"
#include "gate/thresholds_parser.h"

namespace {

void Check(const std::string& config) {
  using perfgate::fuzz::Require;
  auto parsed = perfgate::gate::ParseThresholds(config, "t.yaml");
  if (!parsed.ok()) {
    Require(parsed.error().message.starts_with("t.yaml"), "the error names the file");
    return;
  }
  for (const perfgate::gate::Rule& rule : parsed->rules) {
    Require(std::isfinite(rule.limit) && rule.limit >= 0, "a finite limit, not negative");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string literal(perfgate::fuzz::Text(data, size));
  if (literal.find_first_of("\n\r") != std::string::npos) return 0;  // one scalar only
  Check("rules:\n  - metric: p95\n    max: " + literal + "\n");
  Check("rules:\n  - metric: error_rate\n    max: " + literal + "\n");
  Check("rules:\n  - metric: p95\n    max_increase: " + literal + "\n");
  return 0;
}
