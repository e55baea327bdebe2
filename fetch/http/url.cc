#include "fetch/http/url.h"

#include <algorithm>
#include <string>

namespace perfgate::fetch {

std::string Origin(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  return std::string(url.substr(0, url.find_first_of("/?#", scheme + 3)));
}

std::string Host(std::string_view url) {
  const std::string origin = Origin(url);
  if (origin.empty()) return "";
  std::string_view rest = std::string_view(origin).substr(origin.find("://") + 3);
  rest =
      rest.substr(rest.find('@') == std::string_view::npos ? 0 : rest.find('@') + 1);  // user:pass@
  if (rest.starts_with('[')) return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // An IPv4 literal in 127.0.0.0/8: four numbers of 0-255. A name that merely starts with
  // "127." (127.0.0.1.evil.example) resolves anywhere.
  int parts = 0;
  for (std::size_t at = 0; at <= host.size(); ++parts) {
    const std::size_t dot = std::min(host.find('.', at), host.size());
    const std::string_view part = host.substr(at, dot - at);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(part)) > 255 || (parts == 0 && part != "127")) {
      return false;
    }
    at = dot + 1;
  }
  return parts == 4;
}

bool IsSafeForSecrets(std::string_view url) {
  if (url.starts_with("https://")) return !Host(url).empty();
  return url.starts_with("http://") && IsLoopbackHost(Host(url));
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 15];
    }
  }
  return encoded;
}

}  // namespace perfgate::fetch
