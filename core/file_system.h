// The file system as perfgate uses it: whole-file reads and atomic whole-file writes.
// Behind an interface so tests can use an in-memory fake (tests/fakes/).
#ifndef PERFGATE_CORE_FILE_SYSTEM_H_
#define PERFGATE_CORE_FILE_SYSTEM_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The whole content of `path`, or a kInput error naming the path and the OS's reason.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Replaces `path` with `contents` atomically: readers see the old file or the new one,
  // never a partial one, and a failed write leaves no temporary file behind.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view contents) = 0;
  virtual bool Exists(const std::string& path) = 0;
};

// The real, POSIX file system.
class RealFileSystem : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override;
  Status WriteFileAtomic(const std::string& path, std::string_view contents) override;
  bool Exists(const std::string& path) override;
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_FILE_SYSTEM_H_
