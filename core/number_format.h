// Numbers as perfgate shows them everywhere (reports, messages): durations in ms, rates in
// percent, changes with a sign. Deterministic: the same double gives the same text on any
// platform (printf-style fixed formatting, no locale).
#ifndef PERFGATE_CORE_NUMBER_FORMAT_H_
#define PERFGATE_CORE_NUMBER_FORMAT_H_

#include <string>

namespace perfgate {

// "8000 ms", "42.5 ms", "3.27 ms": whole ms from 100 ms up, three significant digits below;
// from 1e15 up in scientific notation ("1e+308 ms"). Infinity is "inf ms".
std::string FormatMs(double ms);
// A number without a unit (a layout shift, a token count, an Apdex): three significant
// digits below 100, whole from 100 up: 0.0512 -> "0.0512", 0.7 -> "0.700", 1234.5 -> "1235".
std::string FormatQuantity(double value);
// A fraction as a percentage: 0.0123 -> "1.23 %".
std::string FormatPercent(double fraction);
// A signed relative change: 0.231 -> "+23.1 %", infinity -> "+inf %".
std::string FormatRelativeChange(double fraction);
// A signed difference in ms ("+250 ms") or, for rates, in percentage points ("+0.52 pp").
std::string FormatAbsoluteChange(double value, bool is_duration);
// A p-value with the digits that matter: "0.031", "0.0042", "7.7e-09", "< 1e-16".
std::string FormatPValue(double p);
// The same as a statement: "p = 0.031", "p < 1e-16".
std::string FormatPStatement(double p);
// A plain number without trailing zeros: 8000 -> "8000", 0.5 -> "0.5".
std::string FormatNumber(double value);

}  // namespace perfgate

#endif  // PERFGATE_CORE_NUMBER_FORMAT_H_
