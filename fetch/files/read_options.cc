#include "fetch/files/read_options.h"

#include <algorithm>
#include <thread>

namespace perfgate::fetch {

double MsPer(DurationUnit unit) {
  switch (unit) {
    case DurationUnit::kSeconds:
      return 1000;
    case DurationUnit::kMilliseconds:
      return 1;
    case DurationUnit::kMicroseconds:
      return 1e-3;
    case DurationUnit::kNanoseconds:
      return 1e-6;
  }
  return 1;
}

std::pair<std::size_t, std::size_t> LineColumn(std::string_view text, std::size_t offset) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

std::vector<std::string_view> SplitForThreads(std::string_view text, unsigned threads) {
  constexpr std::size_t kMinBytesPerThread = 4 << 20;
  if (threads == 0) threads = std::thread::hardware_concurrency();
  const unsigned parts =
      std::clamp<unsigned>(threads, 1, static_cast<unsigned>(text.size() / kMinBytesPerThread) + 1);
  std::vector<std::string_view> chunks;
  std::size_t start = 0;
  for (unsigned i = 1; i < parts && start < text.size(); ++i) {
    const std::size_t target = std::max(start, text.size() * i / parts);
    const std::size_t newline = text.find('\n', target);
    if (newline == std::string_view::npos) break;
    chunks.push_back(text.substr(start, newline + 1 - start));
    start = newline + 1;
  }
  if (start < text.size()) chunks.push_back(text.substr(start));
  return chunks;
}

bool BadRowLog::Record(std::size_t line, std::size_t column, std::string reason) {
  ++count_;
  if (examples_.size() < kMaxExamples) examples_.push_back({line, column, std::move(reason)});
  return policy_ == BadRowPolicy::kSkip;
}

void BadRowLog::Append(BadRowLog&& later, std::size_t line_offset) {
  count_ += later.count_;
  for (Entry& entry : later.examples_) {
    if (examples_.size() >= kMaxExamples) break;
    if (entry.line > 0) entry.line += line_offset;
    examples_.push_back(std::move(entry));
  }
}

std::string BadRowLog::Format(const Entry& entry) const {
  std::string text = source_;
  if (entry.line > 0) text += ":" + std::to_string(entry.line);
  if (entry.column > 0) text += ":" + std::to_string(entry.column);
  return text + ": " + entry.reason;
}

Error BadRowLog::StopError() const {
  return MakeError(ErrorKind::kInput,
                   examples_.empty() ? source_ + ": bad row" : Format(examples_.front()));
}

void BadRowLog::CopyTo(SampleSet& set) const {
  set.skipped_rows = count_;
  set.skipped_examples.clear();
  for (const Entry& entry : examples_) set.skipped_examples.push_back(Format(entry));
}

}  // namespace perfgate::fetch
