// Plain-text output for a terminal or a CI log: the aligned comparison table of
// `perfgate compare` and the short verdict summary `perfgate check` prints.
// Colour (ANSI) only when the caller says the stream is a terminal and NO_COLOR is unset.
#ifndef PERFGATE_REPORTS_TERMINAL_REPORT_H_
#define PERFGATE_REPORTS_TERMINAL_REPORT_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

struct TerminalStyle {
  bool color = false;
};

// Every judged rule of every group in aligned columns, the worst groups first, then the
// headline.
std::string RenderTerminalTable(const explain::ExplainedResult& report, TerminalStyle style);

// The verdict line and one line per rule that did not pass, with its numbers, the worst
// first: at most 40 such lines and 5 notes, then how many more the reports list.
// A "WHY" line under each transaction explained.
std::string RenderVerdictSummary(const explain::ExplainedResult& report, TerminalStyle style);

// `perfgate explain`: the whole explanation of one transaction: what was compared, every
// cause with its span groups in aligned columns, the total, the mean beside a tail, and the
// exemplar traces.
std::string RenderExplanation(const std::string& name, const explain::Explanation& why,
                              double confidence);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_TERMINAL_REPORT_H_
