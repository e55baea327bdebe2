#include "reports/markup.h"

#include "core/text.h"

namespace perfgate::reports {

std::string EscapeMarkup(std::string_view text) {
  const std::string valid = ValidUtf8(text);  // XML and HTML documents here are UTF-8
  std::string out;
  out.reserve(valid.size());
  for (char c : valid) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) || c == '\n' || c == '\t')
          out += c;
    }
  }
  return out;
}

}  // namespace perfgate::reports
