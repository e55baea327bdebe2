// Escaping text for XML and HTML, shared by the JUnit and HTML reports.
#ifndef PERFGATE_REPORTS_MARKUP_H_
#define PERFGATE_REPORTS_MARKUP_H_

#include <string>
#include <string_view>

namespace perfgate::reports {

// `text` safe in element content and quoted attributes: & < > " ' become entities, the
// control characters XML 1.0 forbids (all below 0x20 but tab and newline) and DEL are
// dropped, and invalid UTF-8 becomes U+FFFD.
std::string EscapeMarkup(std::string_view text);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_MARKUP_H_
