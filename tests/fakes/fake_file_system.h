// An in-memory FileSystem for tests: files can be preset, writes are captured, and
// writes to chosen paths fail. It touches no real disk unless a test asks: with
// `read_through` (ReadingFixtures()), reads of unknown paths fall through to the disk, so
// end-to-end tests can use checked-in fixtures such as examples/ without writing anything.
#ifndef PERFGATE_TESTS_FAKES_FAKE_FILE_SYSTEM_H_
#define PERFGATE_TESTS_FAKES_FAKE_FILE_SYSTEM_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/file_system.h"

namespace perfgate {

class FakeFileSystem : public FileSystem {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> failing_writes;
  bool read_through = false;  // true: unknown paths are read from the real disk (fixtures)

  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = kAnySize) override {
    auto it = files.find(path);
    if (it != files.end()) {
      if (it->second.size() > max_bytes) return TooLarge(path, max_bytes);
      return it->second;
    }
    if (read_through) return real_.ReadFile(path, max_bytes);
    return MakeError(ErrorKind::kInput, path + ": cannot open: No such file or directory");
  }

  // Temporary files live in `files` as "<path>.tmp" until committed or discarded.
  Result<std::string> WriteTemporary(const std::string& path, std::string_view contents) override {
    if (failing_writes.contains(path)) {
      return MakeError(ErrorKind::kInput, path + ": cannot write: Permission denied");
    }
    files[path + ".tmp"] = std::string(contents);
    return path + ".tmp";
  }
  Status Commit(const std::string& temporary, const std::string& path) override {
    auto node = files.extract(temporary);
    node.key() = path;
    files.erase(path);
    files.insert(std::move(node));
    return {};
  }
  void Discard(const std::string& temporary) override { files.erase(temporary); }
  Status AppendTemporary(const std::string& temporary, std::string_view contents) override {
    auto file = files.find(temporary);
    if (file == files.end())
      return MakeError(ErrorKind::kInput, temporary + ": cannot write: No such file");
    file->second += contents;
    return {};
  }

  Status MakeDirectories(const std::string& path) override {
    directories.insert(path);
    return {};
  }
  std::set<std::string> directories;

  // Locks are held by path in `locks`; a path held is busy at once (the wait is not slept).
  std::set<std::string> locks;
  class HeldLock : public Lock {
   public:
    HeldLock(std::set<std::string>& locks, std::string path)
        : locks_(locks), path_(std::move(path)) {}
    ~HeldLock() override { locks_.erase(path_); }
    HeldLock(const HeldLock&) = delete;
    HeldLock& operator=(const HeldLock&) = delete;

   private:
    std::set<std::string>& locks_;
    std::string path_;
  };
  Result<std::unique_ptr<Lock>> LockFile(const std::string& path,
                                         std::chrono::milliseconds) override {
    if (!locks.insert(path).second)
      return MakeError(ErrorKind::kUnavailable, path + ": held by another run (waited 0.0 s)");
    return std::unique_ptr<Lock>(std::make_unique<HeldLock>(locks, path));
  }

  bool Exists(const std::string& path) override {
    return files.contains(path) || (read_through && real_.Exists(path));
  }

 private:
  RealFileSystem real_;
};

// A fake that reads unknown paths from the disk: for tests on checked-in fixtures.
inline FakeFileSystem ReadingFixtures() {
  FakeFileSystem fs;
  fs.read_through = true;
  return fs;
}

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_FAKE_FILE_SYSTEM_H_
