#include "fetch/http/http_transport.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace perfgate::fetch {

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

std::optional<double> HttpResponse::NumberHeader(std::string_view name) const {
  std::string_view text = Header(name);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  // from_chars reads "inf", "nan" and "1e999" (as inf); none is a usable wait or limit, and
  // casting one to an integer is undefined behaviour.
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace perfgate::fetch
