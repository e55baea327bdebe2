#include "fetch/ndjson_reader.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

#include "fetch/row_fields.h"

namespace perfgate::fetch {
namespace {

using boost::json::error_code;
using boost::json::string_view;

// SAX handler for one line: feeds the top-level object's fields into RowFields and skips
// nested values. A handler callback that returns false stops the parser; `failed` then says
// the row is bad (as opposed to JSON syntax being bad) and fields.error() says why.
class LineHandler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  RowFields fields;
  std::string not_object;  // set when the line's value is not an object
  bool failed = false;

  void Reset() {
    fields.Reset();
    not_object.clear();
    failed = false;
    depth_ = 0;
    key_.clear();
    text_.clear();
    key_in_parts_ = text_in_parts_ = false;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code& ec) { return Open("an object", ec); }
  bool on_object_end(std::size_t, error_code&) { return Close(); }
  bool on_array_begin(error_code& ec) { return Open("an array", ec); }
  bool on_array_end(std::size_t, error_code&) { return Close(); }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (depth_ == 1) AppendPart(key_, key_in_parts_, s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    if (depth_ != 1) return true;
    std::string_view key = Complete(key_, key_in_parts_, s);
    field_ = ClassifyField(key);
    if (field_ != Field::kIgnored) field_name_.assign(key);
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (depth_ == 1 && field_ != Field::kIgnored) AppendPart(text_, text_in_parts_, s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (depth_ == 0) return NotObject("a string", ec);
    if (depth_ != 1 || field_ == Field::kIgnored) return true;
    return Check(fields.OnString(field_, field_name_, Complete(text_, text_in_parts_, s)), ec);
  }

  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view raw, error_code& ec) {
    return Number(static_cast<double>(i), raw, ec);
  }
  bool on_uint64(std::uint64_t u, string_view raw, error_code& ec) {
    return Number(static_cast<double>(u), raw, ec);
  }
  bool on_double(double d, string_view raw, error_code& ec) { return Number(d, raw, ec); }

  bool on_bool(bool b, error_code& ec) {
    if (depth_ == 0) return NotObject("a boolean", ec);
    if (depth_ != 1 || field_ == Field::kIgnored) return true;
    return Check(fields.OnBool(field_, field_name_, b), ec);
  }
  bool on_null(error_code& ec) {
    if (depth_ == 0) return NotObject("null", ec);
    if (depth_ != 1 || field_ == Field::kIgnored) return true;
    return Check(fields.OnNull(field_, field_name_), ec);
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  static void AppendPart(std::string& buffer, bool& in_parts, string_view part) {
    if (!in_parts) buffer.clear();
    buffer.append(part.data(), part.size());
    in_parts = true;
  }
  // The whole token: the parts gathered so far plus the last piece.
  static std::string_view Complete(std::string& buffer, bool& in_parts, string_view last) {
    if (!in_parts) return {last.data(), last.size()};
    buffer.append(last.data(), last.size());
    in_parts = false;
    return buffer;
  }

  bool Open(const char* kind, error_code& ec) {
    if (depth_ == 0 && kind[3] != 'o') return NotObject(kind, ec);  // "an array"
    if (depth_ == 1 && field_ != Field::kIgnored &&
        !fields.OnContainer(field_, field_name_, kind)) {
      return Check(false, ec);
    }
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  bool Number(double value, string_view raw, error_code& ec) {
    if (depth_ == 0) return NotObject("a number", ec);
    if (depth_ != 1 || field_ == Field::kIgnored) return true;
    return Check(fields.OnNumber(field_, field_name_, value, {raw.data(), raw.size()}), ec);
  }
  bool NotObject(const char* kind, error_code& ec) {
    not_object = kind;
    return Check(false, ec);
  }
  bool Check(bool ok, error_code& ec) {
    if (ok) return true;
    failed = true;
    ec = boost::json::error::exception;  // any code: it only tells the parser to stop
    return false;
  }

  int depth_ = 0;
  Field field_ = Field::kIgnored;
  std::string field_name_;
  std::string key_;
  std::string text_;
  bool key_in_parts_ = false;
  bool text_in_parts_ = false;
};

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// What one thread read from its share of the lines. Its bad rows are numbered from the
// chunk's own first line; ReadNdjson moves them once the lines before are counted.
struct ChunkResult {
  SampleSetBuilder samples;
  BadRowLog bad_rows{BadRowPolicy::kFail, ""};
  std::size_t lines = 0;  // lines in the chunk
  bool stopped = false;   // reading stopped at a bad row
};

void ReadChunk(std::string_view chunk, std::string_view source, BadRowPolicy policy,
               ChunkResult& out) {
  out.bad_rows = BadRowLog(policy, source);
  boost::json::basic_parser<LineHandler> parser{boost::json::parse_options{}};
  LineHandler& handler = parser.handler();
  const char* cursor = chunk.data();
  const char* const end = chunk.data() + chunk.size();
  while (cursor < end) {
    const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', end - cursor));
    const char* line_end = newline ? newline : end;
    std::string_view line(cursor, static_cast<std::size_t>(line_end - cursor));
    cursor = newline ? newline + 1 : end;
    std::size_t line_number = ++out.lines;
    if (IsBlank(line)) continue;

    handler.Reset();
    parser.reset();
    error_code ec;
    std::size_t used = parser.write_some(false, line.data(), line.size(), ec);
    std::string reason;
    std::size_t column = 0;
    if (handler.failed) {
      reason = handler.not_object.empty()
                   ? handler.fields.error()
                   : "expected one JSON object per line, got " + handler.not_object;
    } else if (ec) {
      column = used + 1;
      reason = "invalid JSON: " + ec.message();
    } else if (!IsBlank(line.substr(used))) {
      column = used + 1;
      reason = "invalid JSON: more than one value on the line";
    } else if (!handler.fields.Finish()) {
      reason = handler.fields.error();
    } else {
      out.samples.Add(handler.fields.transaction(), handler.fields.duration_ms(),
                      handler.fields.failed());
      continue;
    }
    if (!out.bad_rows.Record(line_number, column, std::move(reason))) {
      out.stopped = true;
      return;
    }
  }
}

// Splits `text` into up to `parts` pieces that end at line boundaries.
std::vector<std::string_view> SplitAtLines(std::string_view text, unsigned parts) {
  std::vector<std::string_view> chunks;
  std::size_t start = 0;
  for (unsigned i = 1; i < parts && start < text.size(); ++i) {
    std::size_t target = std::max(start, text.size() * i / parts);
    std::size_t newline = text.find('\n', target);
    if (newline == std::string_view::npos) break;
    chunks.push_back(text.substr(start, newline + 1 - start));
    start = newline + 1;
  }
  if (start < text.size()) chunks.push_back(text.substr(start));
  return chunks;
}

// Chunks below this size are not worth a thread.
constexpr std::size_t kMinBytesPerThread = 4 << 20;

}  // namespace

Result<SampleSet> ReadNdjson(std::string_view text, std::string_view source,
                             const ReadOptions& options) {
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<unsigned>(threads, 1,
                                 static_cast<unsigned>(text.size() / kMinBytesPerThread) + 1);
  std::vector<std::string_view> chunks = SplitAtLines(text, threads);
  std::vector<ChunkResult> results(chunks.size());

  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    workers.emplace_back(ReadChunk, chunks[i], source, options.on_bad_row, std::ref(results[i]));
  }
  if (!chunks.empty()) ReadChunk(chunks[0], source, options.on_bad_row, results[0]);
  for (std::thread& worker : workers) worker.join();

  // Merging in chunk order keeps every group's events in file order.
  SampleSetBuilder samples;
  BadRowLog bad_rows(options.on_bad_row, source);
  std::size_t lines_before = 0;
  for (ChunkResult& chunk : results) {
    samples.Append(std::move(chunk.samples));
    bad_rows.Append(std::move(chunk.bad_rows), lines_before);
    if (chunk.stopped) return bad_rows.StopError();
    lines_before += chunk.lines;
  }
  SampleSet set = std::move(samples).Build(std::string(source));
  bad_rows.CopyTo(set);
  return set;
}

}  // namespace perfgate::fetch
