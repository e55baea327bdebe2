// libFuzzer target: the alert job's state file. A state read is written back and read again
// to the same state.
#include "alert/alert_state.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using perfgate::fuzz::Require;
  const std::string text(perfgate::fuzz::Text(data, size));
  auto state = perfgate::alert::ParseAlertState(text, "state.json");
  if (!state.ok()) {
    Require(state.error().message.starts_with("state.json: "), "the error names the file");
    return 0;
  }
  const std::string written = perfgate::alert::RenderAlertState(*state);
  auto again = perfgate::alert::ParseAlertState(written, "state.json");
  Require(again.ok() && perfgate::alert::RenderAlertState(*again) == written, "a round trip");
  return 0;
}
