// libFuzzer target: the otlp reader (see samples_fuzz.h for what it checks).
#include "fuzz/samples_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfgate::fuzz::ReadEveryWay(perfgate::fuzz::Text(data, size),
                               perfgate::fetch::InputFormat::kOtlp);
  return 0;
}
