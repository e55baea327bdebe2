// libFuzzer target: Sentry's Link header. A cursor found is a substring of the header.
#include "fetch/http/link_header.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header = perfgate::fuzz::Text(data, size);
  std::optional<std::string> cursor = perfgate::fetch::NextCursor(header);
  if (cursor) {
    perfgate::fuzz::Require(header.find(*cursor) != std::string_view::npos,
                            "the cursor comes from the header");
  }
  return 0;
}
