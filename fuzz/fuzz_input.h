// Shared by the libFuzzer targets: the input as text, and a check that stops the run (an
// abort libFuzzer reports as a crash, with the input saved) when an invariant fails.
#ifndef PERFGATE_FUZZ_FUZZ_INPUT_H_
#define PERFGATE_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace perfgate::fuzz {

inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace perfgate::fuzz

#endif  // PERFGATE_FUZZ_FUZZ_INPUT_H_
