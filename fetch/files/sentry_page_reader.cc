#include "fetch/files/sentry_page_reader.h"

#include <string>

#include <boost/json/basic_parser_impl.hpp>

#include "fetch/files/json_event_handler.h"

namespace perfgate::fetch {

namespace {

// Milliseconds per unit of the fields of `kind` in a page: the first such field's unit in
// meta.units that Sentry names, else `fallback`.
double PageUnitMs(const std::map<std::string, std::string>& units, Field kind, double fallback) {
  for (const auto& [field, unit] : units) {
    if (ClassifyField(field) != kind) continue;
    if (std::optional<double> ms = SentryUnitMs(unit)) return *ms;
  }
  return fallback;
}

}  // namespace

Status ReadSentryPageInto(std::string_view text, std::string_view source, SampleSetBuilder& samples,
                          BadRowLog& bad_rows, std::size_t limit, DurationUnit unit) {
  std::size_t added = 0;
  // The page's own events first: its units (in "meta", after "data") are known at its end.
  SampleSetBuilder page;
  boost::json::basic_parser<JsonEventHandler> parser{
      boost::json::parse_options{}, JsonEventHandler::Layout::kSentryPage,
      [&](std::size_t index, const RowFields& fields, const std::string& error) {
        if (error.empty()) {
          if (added++ < limit) AddRow(page, fields, true);
          return true;
        }
        return bad_rows.Record(0, 0, parser.handler().EventLocation(index) + ": " + error);
      }};
  parser.handler().Reset();
  boost::json::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  const JsonEventHandler& handler = parser.handler();
  if (ec && handler.stopped()) {
    if (!handler.structure_error().empty()) {
      return MakeError(ErrorKind::kInput, std::string(source) + ": " + handler.structure_error());
    }
    return bad_rows.StopError();
  }
  if (!ec && text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    ec = boost::json::error::extra_data;
    used = text.find_first_not_of(" \t\r\n", used);
  }
  if (ec) {
    auto [line, column] = LineColumn(text, used);
    return MakeError(ErrorKind::kInput, std::string(source) + ":" + std::to_string(line) + ":" +
                                            std::to_string(column) +
                                            ": invalid JSON: " + ec.message());
  }
  parser.handler().Finish();
  if (!handler.structure_error().empty()) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": " + handler.structure_error());
  }
  const double fallback = MsPer(unit);
  page.ScaleTimes(PageUnitMs(handler.units(), Field::kDuration, fallback),
                  PageUnitMs(handler.units(), Field::kOpTime, fallback));
  // Measurements in a time unit the page names (meta.units), to milliseconds.
  for (const auto& [field, field_unit] : handler.units()) {
    if (ClassifyField(field) != Field::kMeasurement) continue;
    if (const std::optional<double> ms = SentryUnitMs(field_unit); ms && *ms != 1)
      page.ScaleValue(field, *ms);
  }
  samples.Append(std::move(page));
  return {};
}

Result<SampleSet> ReadSentryPage(std::string_view text, std::string_view source,
                                 const ReadOptions& options) {
  SampleSetBuilder samples;
  BadRowLog bad_rows(options.on_bad_row, source);
  Status read = ReadSentryPageInto(text, source, samples, bad_rows, static_cast<std::size_t>(-1),
                                   options.duration_unit);
  if (!read.ok()) return read.error();
  SampleSet set = std::move(samples).Build(std::string(source));
  bad_rows.CopyTo(set);
  return set;
}

}  // namespace perfgate::fetch
