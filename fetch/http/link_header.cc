#include "fetch/http/link_header.h"

namespace perfgate::fetch {
namespace {

// The value of `name="..."` in one link's parameters, or nullopt.
std::optional<std::string_view> Parameter(std::string_view link, std::string_view name) {
  std::string key = std::string(name) + "=\"";
  std::size_t at = 0;
  while ((at = link.find(key, at)) != std::string_view::npos) {
    // A whole parameter name: preceded by start, ';' or a space.
    if (at == 0 || link[at - 1] == ';' || link[at - 1] == ' ') {
      std::size_t start = at + key.size();
      std::size_t end = link.find('"', start);
      if (end == std::string_view::npos) return std::nullopt;
      return link.substr(start, end - start);
    }
    at += key.size();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NextCursor(std::string_view link_header) {
  // Links are separated by commas outside <...>; Sentry percent-encodes commas in URLs,
  // but split on '>' boundaries anyway so a raw comma in a URL cannot break the parse.
  std::size_t position = 0;
  while (position < link_header.size()) {
    std::size_t open = link_header.find('<', position);
    if (open == std::string_view::npos) break;
    std::size_t close = link_header.find('>', open);
    if (close == std::string_view::npos) break;
    std::size_t next_open = link_header.find('<', close);
    std::string_view parameters =
        link_header.substr(close + 1, next_open == std::string_view::npos ? std::string_view::npos
                                                                          : next_open - close - 1);
    auto rel = Parameter(parameters, "rel");
    if (rel && *rel == "next") {
      auto results = Parameter(parameters, "results");
      auto cursor = Parameter(parameters, "cursor");
      if (results && *results == "true" && cursor && !cursor->empty()) return std::string(*cursor);
      return std::nullopt;
    }
    position = close + 1;
  }
  return std::nullopt;
}

}  // namespace perfgate::fetch
