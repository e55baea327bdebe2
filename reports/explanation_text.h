// Phrases every report uses for an explanation, so the terminal, Markdown, HTML, JUnit
// and annotations say why a transaction got slower the same way.
#ifndef PERFGATE_REPORTS_EXPLANATION_TEXT_H_
#define PERFGATE_REPORTS_EXPLANATION_TEXT_H_

#include <cstddef>
#include <optional>
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

// A change's interval in ms: "[+5753, +6989] ms"; "–" without one.
std::string ChangeIntervalText(const std::optional<stats::Interval>& ci);

// A cause's interval with its confidence: "95 % CI [+5753, +6989] ms", or "no interval:
// aggregates only" for a part known from Sentry's aggregates.
std::string CauseIntervalText(const explain::Cause& cause, double confidence);

// A share of the change: 0.245 -> "24.5 %", never "-0 %".
std::string ShareText(double share);

// The change with its interval: "+300 ms (95 % CI [+280, +320] ms)".
std::string CauseChangeText(const explain::Cause& cause, double confidence);

// One sentence a cause: `ai.run "generate-summary": 4100 ms vs 2300 ms per request, +1800
// ms (95 % CI [+1650, +1960] ms), 91 % of the change, slower`.
std::string CauseSentence(const explain::Cause& cause, double confidence);

// Which requests were compared: "the p95 tail (requests at or above each release's p95:
// 30 candidate and 40 baseline requests with spans)" or "every request (800 candidate and
// 800 baseline requests with spans)".
std::string PopulationText(const explain::Explanation& why);

// Why a transaction got slower, in one line: the causes that grew most along the critical
// path of the judged requests (up to three; after the first, only ones whose interval is
// above 0), and the largest significant decrease when it offsets more than a tenth, e.g.
// `in the p95 tail (25 and 25 requests at or above each release's p95): ai.embed
// "batch-embed" +6381 ms per request (95 % CI [+5753, +6989] ms; 124.5 % of the change),
// offset by ai.run "generate-summary" -1252 ms (-24.4 %); mean 10159 ms vs 5033 ms along
// the critical path`.
std::string WhyText(const explain::Explanation& why, double confidence);

// The cause that shrank most with an interval below 0, when it offsets more than a tenth
// of the change; nullptr otherwise.
const explain::Cause* Offset(const explain::Decomposition& decomposition);

// How the parts were found, after a population: "along the critical path" or "by Sentry's
// ops breakdown".
std::string MethodPhrase(explain::Method method);

// An exemplar as link text: "candidate, 9812 ms (p99.9)".
std::string ExemplarLabel(const explain::Exemplar& exemplar);

// The causes of `decomposition` worth a sentence: the first, then up to `count` in all
// that grew with an interval above 0 (or are new).
std::vector<const explain::Cause*> TopCauses(const explain::Decomposition& decomposition,
                                             std::size_t count);

// How the causes were found: "causes: the change in mean time per request on the critical
// path (the chain of spans each response waited for, ...); intervals by bootstrap over
// requests (1000 resamples, ...)", naming the normal intervals where a side was too large
// to resample. "" without explanations.
std::string ExplanationMethodText(const explain::Explanations& explanations);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_EXPLANATION_TEXT_H_
