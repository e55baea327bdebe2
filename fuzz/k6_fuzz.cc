// libFuzzer target: k6's --out json reader and its summary reader (see samples_fuzz.h for
// what they must hold); the first byte picks which.
#include "fuzz/samples_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  perfgate::fuzz::ReadEveryWay(perfgate::fuzz::Text(data + 1, size - 1),
                               data[0] % 2 == 0 ? perfgate::fetch::InputFormat::kK6
                                                : perfgate::fetch::InputFormat::kK6Summary);
  return 0;
}
