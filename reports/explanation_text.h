// Phrases every report uses for an explanation, so the terminal, Markdown, HTML, JUnit
// and annotations say why a transaction got slower the same way.
#ifndef PERFGATE_REPORTS_EXPLANATION_TEXT_H_
#define PERFGATE_REPORTS_EXPLANATION_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// How many causes a report names in a sentence (the terminal, Markdown, JUnit).
inline constexpr std::size_t kCausesNamed = 3;

// A cause as reports name it: its op, and the span group that grew most within it:
// `db "SELECT * FROM users WHERE id = %s"`, or `db (most in "SELECT ...")` when the op has
// several groups; "(unattributed)" alone.
std::string CauseName(const explain::Cause& cause);

// The change with its interval: "+300 ms (95 % CI [+280, +320] ms)".
std::string CauseChangeText(const explain::Cause& cause, double confidence);

// One sentence a cause: `ai.run "generate-summary": 4100 ms vs 2300 ms per request, +1800
// ms (95 % CI [+1650, +1960] ms), 91 % of the change, slower`.
std::string CauseSentence(const explain::Cause& cause, double confidence);

// Which requests were compared: "the p95 tail (requests at or above each release's p95:
// 30 candidate and 40 baseline requests with spans)" or "every request (800 candidate and
// 800 baseline requests with spans)".
std::string PopulationText(const explain::Explanation& why);

// Why a transaction got slower, in one line: the three causes that grew most along the
// critical path of the judged requests, e.g. `in the p95 tail: ai.run "generate-summary"
// +1800 ms per request (95 % CI [+1650, +1960] ms; 91 % of the change), db +120 ms (6 %),
// (unattributed) +60 ms (3 %); mean 6200 ms vs 4200 ms over 30 and 40 requests with spans,
// on the critical path`.
std::string WhyText(const explain::Explanation& why, double confidence);

// "candidate 9.81 s at p99.9" style labels for an exemplar: "candidate, 9812 ms (p99.9)".
std::string ExemplarLabel(const explain::Exemplar& exemplar);

// The causes of `decomposition` worth a sentence: up to `count`, largest increase first,
// skipping ones that did not grow. Always at least the first.
std::vector<const explain::Cause*> TopCauses(const explain::Decomposition& decomposition,
                                             std::size_t count);

// How the causes were found: "causes: the change in mean time per request on the critical
// path (the chain of spans each response waited for, so parallel work that did not delay it
// is not blamed); intervals by bootstrap over requests (1000 resamples)".
std::string ExplanationMethodText(const explain::Explanation& why);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_EXPLANATION_TEXT_H_
