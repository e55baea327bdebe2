// What `perfgate record` writes: the OTLP trace requests it received, one OTLP/JSON line
// each (as the Collector's file exporter writes them), to a temporary file beside FILE that
// grows as requests arrive (memory bounded by the flush size, not the run's length) and is
// moved onto FILE whole when recording stops, so FILE is never seen half written. Counts
// what it took per service and version, for the progress lines and the summary. Safe to
// call from the receiver's connection threads at once.
#ifndef PERFGATE_FETCH_RECORD_RECORDING_H_
#define PERFGATE_FETCH_RECORD_RECORDING_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/file_system.h"
#include "core/result.h"

namespace perfgate::fetch {

// What a recording holds so far.
struct RecordingCounts {
  std::size_t requests = 0;
  std::size_t spans = 0;
  std::size_t roots = 0;  // spans without a parent: the transactions, most of them
  // Spans by (service.name, service.version), "" where a resource does not say.
  std::map<std::pair<std::string, std::string>, std::size_t> by_service;
};

// What one request added.
struct Received {
  std::size_t spans = 0;
  std::size_t roots = 0;
};

class Recording {
 public:
  // Bytes held before they are appended to the file.
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

  // Starts a recording to `path`, which must end in ".otlp.jsonl" (the format written):
  // a kUsage error otherwise. Nothing at `path` changes until Commit().
  static Result<std::unique_ptr<Recording>> Open(FileSystem& fs, const std::string& path);
  ~Recording();  // a recording not committed leaves no file behind

  // Takes one ExportTraceServiceRequest in OTLP/JSON (any layout; written as one line). A
  // text that is not one (not JSON, not an object, resourceSpans not an array of objects)
  // is a kInput error and nothing is written.
  Result<Received> AddOtlpJson(std::string_view text);

  // Writes what is held and moves the file onto `path`. Afterwards nothing more is taken.
  Status Commit();

  RecordingCounts counts() const;
  const std::string& path() const { return path_; }

 private:
  Recording(FileSystem& fs, std::string path, std::string temporary)
      : fs_(fs), path_(std::move(path)), temporary_(std::move(temporary)) {}
  Status FlushLocked();

  FileSystem& fs_;
  const std::string path_;
  const std::string temporary_;
  mutable std::mutex mutex_;
  std::string held_;  // lines not yet appended to the file
  RecordingCounts counts_;
  bool closed_ = false;
  Status failed_;  // the first write that failed: every later Add and the Commit say it
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_RECORD_RECORDING_H_
