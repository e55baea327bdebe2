#include "fetch/files/csv_reader.h"

#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "fetch/files/row_fields.h"

namespace perfgate::fetch {
namespace {

// What reading one record found wrong: malformed quoting.
struct RecordError {
  std::string reason;
  std::size_t column = 0;  // 1-based; 0 when no single column is at fault
  bool fatal = false;      // the rest of the input cannot be read (an unterminated quote)
};

// Reads CSV records one at a time, counting physical lines.
class CsvScanner {
 public:
  explicit CsvScanner(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
  }

  bool done() const { return pos_ >= text_.size(); }
  // True when the record read last held nothing but spaces and tabs (a quoted "" is not
  // blank: it is an empty field).
  bool blank() const { return blank_; }
  std::size_t line() const { return line_; }

  // Reads the next record into `fields` (reused between records, so their strings keep
  // their capacity). Returns what was wrong with it, if anything.
  std::optional<RecordError> Next(std::vector<std::string>& fields) {
    fields.clear();
    fields.emplace_back();
    std::size_t line_start = pos_;
    record_start_ = pos_;
    blank_ = true;
    std::optional<RecordError> error;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++pos_;
        ++line_;
        break;
      }
      if (c == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n')) {
        ++pos_;
        continue;
      }
      if (pos_ - record_start_ > kMaxRecordBytes) return TooLong();
      if (c == ',') {
        if (fields.size() == kMaxCsvColumns) {
          return RecordError{"more than " + std::to_string(kMaxCsvColumns) + " fields", 0, true};
        }
        fields.emplace_back();
        ++pos_;
        continue;
      }
      if (c != ' ' && c != '\t') blank_ = false;
      if (c == '"' && fields.back().empty() && !error) {
        std::size_t open_column = pos_ - line_start + 1;
        std::size_t open_line = line_;
        if (!ReadQuoted(fields.back())) {
          if (pos_ - record_start_ > kMaxRecordBytes) return TooLong();
          return RecordError{"unterminated quoted field (opened at line " +
                                 std::to_string(open_line) + ", column " +
                                 std::to_string(open_column) + ")",
                             0, true};
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
            text_[pos_] != '\r') {
          // Keep scanning to the end of the record, then report.
          error =
              RecordError{"expected a comma after the closing quote", pos_ - line_start + 1, false};
        }
        continue;
      }
      fields.back().push_back(c);
      ++pos_;
    }
    return error;
  }

 private:
  RecordError TooLong() const {
    return RecordError{"a record longer than " + std::to_string(kMaxRecordBytes) +
                           " bytes (an event is far smaller; an unclosed quote?)",
                       0, true};
  }

  // Reads a quoted field starting at the opening quote; "" is a literal quote. Stops,
  // unclosed, past the record limit.
  bool ReadQuoted(std::string& field) {
    ++pos_;
    while (pos_ < text_.size() && pos_ - record_start_ <= kMaxRecordBytes) {
      char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
          continue;
        }
        return true;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t record_start_ = 0;
  std::size_t line_ = 1;
  bool blank_ = true;
};

}  // namespace

Result<SampleSet> ReadCsv(std::string_view text, std::string_view source,
                          const ReadOptions& options) {
  auto located = [&](std::size_t line, const std::string& what) {
    return MakeError(ErrorKind::kInput,
                     std::string(source) + ":" + std::to_string(line) + ": " + what);
  };
  CsvScanner scanner(text);
  std::vector<std::string> record;

  // The header: the first non-blank record.
  std::vector<Field> columns;
  std::vector<std::string> names;
  std::size_t header_line = 0;
  while (!scanner.done() && names.empty()) {
    header_line = scanner.line();
    if (std::optional<RecordError> error = scanner.Next(record))
      return located(header_line, error->reason);
    if (!scanner.blank()) names = record;
  }
  SampleSetBuilder samples;
  BadRowLog bad_rows(options.on_bad_row, source);
  if (names.empty()) {
    SampleSet empty = std::move(samples).Build(std::string(source));
    return empty;
  }
  std::string duration_column;
  for (const std::string& name : names) {
    columns.push_back(ClassifyField(name));
    if (columns.back() != Field::kDuration) continue;
    if (!duration_column.empty()) {
      return located(header_line,
                     "two duration columns: " + duration_column + " and " + std::string(name));
    }
    duration_column = name;
  }
  if (duration_column.empty()) {
    // The header as read, so a file split by ';' or tabs (one column holding them all) or
    // with another name for the duration shows why.
    std::string read;
    for (const std::string& name : names) read += (read.empty() ? "" : ", ") + CleanText(name);
    std::string message =
        "no duration column: the header needs one of duration_ms, transaction.duration, "
        "span.duration; it has " +
        std::to_string(names.size()) + (names.size() == 1 ? " column: " : " columns: ") + read;
    if (names.size() == 1 && names[0].find_first_of(";\t|") != std::string::npos)
      message += " (perfgate reads comma-separated values: is the file split by ';', tabs or '|'?)";
    return located(header_line, message);
  }

  RowFields fields;
  while (!scanner.done()) {
    std::size_t line = scanner.line();
    std::size_t column = 0;
    std::string reason;
    if (std::optional<RecordError> error = scanner.Next(record)) {
      if (error->fatal) return located(line, error->reason);
      reason = std::move(error->reason);
      column = error->column;
    } else if (scanner.blank()) {
      continue;
    } else if (record.size() != names.size()) {
      reason = "expected " + std::to_string(names.size()) + " fields as in the header, got " +
               std::to_string(record.size());
    } else {
      fields.Reset();
      bool ok = true;
      for (std::size_t i = 0; i < record.size() && ok; ++i) {
        ok = fields.OnText(columns[i], names[i], record[i]);
      }
      if (ok && fields.Finish()) {
        AddRow(samples, fields, options.keep_details);
        continue;
      }
      reason = fields.error();
    }
    if (!bad_rows.Record(line, column, std::move(reason))) return bad_rows.StopError();
  }
  samples.ScaleTimes(MsPer(options.duration_unit), MsPer(options.duration_unit));
  SampleSet set = std::move(samples).Build(std::string(source));
  bad_rows.CopyTo(set);
  return set;
}

}  // namespace perfgate::fetch
