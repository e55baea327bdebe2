// The file system as perfgate uses it: whole-file reads and atomic whole-file writes.
// Behind an interface so tests can use an in-memory fake (tests/fakes/).
#ifndef PERFGATE_CORE_FILE_SYSTEM_H_
#define PERFGATE_CORE_FILE_SYSTEM_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace perfgate {

// The error of a read that passed its limit.
Error TooLarge(const std::string& path, std::size_t max_bytes);

// A file's bytes in memory: a read-only mapping where the file system can map it, else an
// owned copy. Move-only; the bytes live as long as the object.
class FileBytes {
 public:
  FileBytes() = default;
  explicit FileBytes(std::string owned) : owned_(std::move(owned)) {}
  // Takes ownership of a mapping made with mmap().
  FileBytes(const char* mapped, std::size_t size) : mapped_(mapped), size_(size) {}
  FileBytes(FileBytes&& other) noexcept
      : owned_(std::move(other.owned_)),
        mapped_(std::exchange(other.mapped_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() { Unmap(); }

  std::string_view view() const {
    return mapped_ ? std::string_view(mapped_, size_) : std::string_view(owned_);
  }

 private:
  // Releases the mapping, if any; the object then views its owned bytes.
  void Unmap();

  std::string owned_;
  const char* mapped_ = nullptr;
  std::size_t size_ = 0;
};

// No limit on a read.
inline constexpr std::size_t kAnySize = static_cast<std::size_t>(-1);

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The whole content of `path`, or a kInput error naming the path and the OS's reason.
  // Past `max_bytes` (a config, a token: files meant to be small) reading stops with a
  // kInput error saying so, so an endless file (/dev/zero) or a huge one cannot take all
  // the memory.
  virtual Result<std::string> ReadFile(const std::string& path,
                                       std::size_t max_bytes = kAnySize) = 0;
  // ReadFile() for files perfgate itself keeps (cache entries, the alert state): anything
  // but a regular file (a FIFO, which would hang the read; a device) is a kInput error,
  // found without blocking. By default ReadFile().
  virtual Result<std::string> ReadRegularFile(const std::string& path, std::size_t max_bytes);
  // The same bytes without copying them where possible (large sample files), whatever
  // their size; what cannot be mapped (a pipe, a device) is read up to `max_read` bytes. By
  // default a copy from ReadFile().
  virtual Result<FileBytes> MapFile(const std::string& path, std::size_t max_read = kAnySize);
  // Replaces `path` with `contents` atomically: readers see the old file or the new one,
  // never a partial one, and a failed write leaves no temporary file behind.
  Status WriteFileAtomic(const std::string& path, std::string_view contents);
  // Replaces several files as one: every file is written aside first, then all are moved
  // into place with SIGINT and SIGTERM held off, so an interrupted run leaves the old set
  // or the new one, never a new report beside an old one. When a file cannot be written
  // none is replaced; a rename that fails (rare: each temporary file sits beside its
  // target) leaves the files before it replaced and the rest not.
  struct NewFile {
    std::string path;
    std::string contents;
  };
  Status WriteFilesAtomic(const std::vector<NewFile>& files);

  // The two steps of an atomic write, for a caller that must know a file can be written
  // before it acts (the alert job writes its state aside before it notifies anyone).
  // WriteTemporary writes `contents` to a new file beside `path` and returns its name
  // (nothing at `path` changes; a failure leaves no file); Commit moves it onto `path`;
  // Discard removes it.
  virtual Result<std::string> WriteTemporary(const std::string& path,
                                             std::string_view contents) = 0;
  virtual Status Commit(const std::string& temporary, const std::string& path) = 0;
  virtual void Discard(const std::string& temporary) = 0;
  // Appends `contents` to a temporary file WriteTemporary made and has not committed: a
  // file written as it grows (a recording), still moved into place whole by Commit.
  virtual Status AppendTemporary(const std::string& temporary, std::string_view contents) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // An exclusive lock on `path` (created if missing), held until the returned object is
  // destroyed, for a run that reads, then replaces, a file another run may use at the same
  // time. Waits up to `wait` for another holder; then a kUnavailable error saying so.
  class Lock {
   public:
    virtual ~Lock() = default;
  };
  virtual Result<std::unique_ptr<Lock>> LockFile(const std::string& path,
                                                 std::chrono::milliseconds wait) = 0;
  // Creates `path` and its missing parents; an existing directory is fine.
  virtual Status MakeDirectories(const std::string& path) = 0;
};

// The real, POSIX file system.
class RealFileSystem : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = kAnySize) override;
  // Maps regular files (pages fault in as they are read, so the threads that parse a
  // file's halves also share the faulting); empty and special files are read.
  Result<FileBytes> MapFile(const std::string& path, std::size_t max_read = kAnySize) override;
  Result<std::string> ReadRegularFile(const std::string& path, std::size_t max_bytes) override;
  // Temporary files are named `<path>.tmp.<pid>.<16 random hex digits>`, created
  // exclusively without following a link, and, while they exist, are removed if the process
  // gets a signal that ends it (see RemoveTemporaryFilesOnSignals()); leftovers of runs that
  // no longer exist (SIGKILL) are removed by the next write to the same path. A `path` that
  // exists and is not a regular file (/dev/stdout, a FIFO) is written directly instead, as
  // a shell's redirection would: nothing is renamed over it.
  Result<std::string> WriteTemporary(const std::string& path, std::string_view contents) override;
  Status Commit(const std::string& temporary, const std::string& path) override;
  void Discard(const std::string& temporary) override;
  Status AppendTemporary(const std::string& temporary, std::string_view contents) override;
  bool Exists(const std::string& path) override;
  Status MakeDirectories(const std::string& path) override;
  // flock() on the file, polled every 50 ms while another process holds it.
  Result<std::unique_ptr<Lock>> LockFile(const std::string& path,
                                         std::chrono::milliseconds wait) override;
};

// The folder part of `path`: "a/b" for "a/b/c.json", "" for "c.json".
std::string ParentFolder(const std::string& path);

// Installs handlers for the signals whose default is to end the process (SIGHUP, SIGINT,
// SIGQUIT, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM; not one the
// parent set to be ignored, nor SIGPIPE, which libcurl handles) that remove RealFileSystem's
// temporary files still in flight, then end the process by the same signal (so a shell sees 128 +
// its number, and no report, cache or state file is left half-written). Called once, by main().
void RemoveTemporaryFilesOnSignals();

}  // namespace perfgate

#endif  // PERFGATE_CORE_FILE_SYSTEM_H_
