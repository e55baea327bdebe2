// Escaping text for XML and HTML, shared by the JUnit and HTML reports.
#ifndef PERFGATE_REPORTS_MARKUP_H_
#define PERFGATE_REPORTS_MARKUP_H_

#include <string>
#include <string_view>

namespace perfgate::reports {

// `text` safe in element content and quoted attributes: & < > " ' become entities, and the
// control characters XML 1.0 forbids (all below 0x20 but tab and newline) are dropped.
std::string EscapeMarkup(std::string_view text);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_MARKUP_H_
