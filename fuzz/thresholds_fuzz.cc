// libFuzzer target: thresholds.yaml. A config either parses or fails with a message naming
// the file; never a crash, a hang or unbounded memory (aliases are bounded).
#include "fuzz/fuzz_input.h"
#include "gate/thresholds_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using perfgate::fuzz::Require;
  auto parsed = perfgate::gate::ParseThresholds(perfgate::fuzz::Text(data, size), "t.yaml");
  if (!parsed.ok())
    Require(parsed.error().message.starts_with("t.yaml"), "the error names the file");
  return 0;
}
