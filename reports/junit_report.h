// JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure): one testsuite
// per group, one testcase per rule. A failed rule is a <failure>; a warning passes with
// the sentence in <system-out>; an undecided or waived rule is <skipped> with the reason.
#ifndef PERFGATE_REPORTS_JUNIT_REPORT_H_
#define PERFGATE_REPORTS_JUNIT_REPORT_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// Deterministic; valid against the common JUnit schema (tests/data/junit.xsd).
std::string RenderJunit(const explain::ExplainedResult& report);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_JUNIT_REPORT_H_
