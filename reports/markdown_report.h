// GitHub-flavoured Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY: the
// verdict first, one table of what did not pass, one sentence per failure with the numbers
// it compared, per-group details, passing groups collapsed, and the method last.
#ifndef PERFGATE_REPORTS_MARKDOWN_REPORT_H_
#define PERFGATE_REPORTS_MARKDOWN_REPORT_H_

#include <string>
#include <string_view>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// Deterministic: the same result gives the same bytes.
std::string RenderMarkdown(const explain::ExplainedResult& report);

// Text safe inside a Markdown table cell: pipes escaped, line breaks flattened.
std::string MarkdownCell(std::string_view text);
// A name as Markdown inline code (fenced by more backticks than it holds).
std::string MarkdownCode(std::string_view name);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_MARKDOWN_REPORT_H_
