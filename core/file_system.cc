#include "core/file_system.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <utility>

namespace perfgate {
namespace {

Error OsError(const std::string& what, const std::string& path) {
  return MakeError(ErrorKind::kInput, path + ": " + what + ": " + std::strerror(errno));
}

// The temporary files in flight, for the signal handler to remove: fixed slots, since a
// handler may not allocate or lock. A slot's name is written before it is marked used and
// marked free before it is reused. More files in flight at once than slots is not expected
// (perfgate writes a handful); one that finds no slot is written all the same, unguarded.
struct InFlightSlot {
  static constexpr std::size_t kMaxPath = 4096;
  std::atomic<bool> claimed{false};
  std::atomic<bool> used{false};
  char path[kMaxPath] = {};
};
InFlightSlot in_flight_slots[64];

class InFlight {
 public:
  static void Add(const std::string& path) {
    if (path.size() >= InFlightSlot::kMaxPath) return;
    for (InFlightSlot& slot : in_flight_slots) {
      bool expected = false;
      if (!slot.claimed.compare_exchange_strong(expected, true)) continue;
      std::memcpy(slot.path, path.c_str(), path.size() + 1);
      slot.used.store(true, std::memory_order_release);
      return;
    }
  }
  static void Remove(const std::string& path) {
    for (InFlightSlot& slot : in_flight_slots) {
      if (slot.used.load(std::memory_order_acquire) && path == slot.path) {
        slot.used.store(false, std::memory_order_release);
        slot.claimed.store(false, std::memory_order_release);
        return;
      }
    }
  }
  // Async-signal-safe: atomics and unlink() only.
  static void RemoveAll() {
    for (InFlightSlot& slot : in_flight_slots) {
      if (slot.used.load(std::memory_order_acquire)) ::unlink(slot.path);
    }
  }
};

void OnInterrupt(int signal_number) {
  InFlight::RemoveAll();
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

}  // namespace

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    Unmap();
    owned_ = std::move(other.owned_);
    other.owned_.clear();  // a moved-from string is valid but unspecified: make it empty
    mapped_ = std::exchange(other.mapped_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void FileBytes::Unmap() {
  if (mapped_ != nullptr) ::munmap(const_cast<char*>(mapped_), size_);
  mapped_ = nullptr;
  size_ = 0;
}

Result<FileBytes> FileSystem::MapFile(const std::string& path, std::size_t max_read) {
  Result<std::string> text = ReadFile(path, max_read);
  if (!text.ok()) return text.error();
  return FileBytes(std::move(text).value());
}

Result<FileBytes> RealFileSystem::MapFile(const std::string& path, std::size_t max_read) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size == 0) {
    ::close(fd);
    return FileSystem::MapFile(path, max_read);  // the plain read gives the error, or reads a pipe
  }
  auto size = static_cast<std::size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) return FileSystem::MapFile(path, max_read);
  return FileBytes(static_cast<const char*>(mapped), size);
}

Error TooLarge(const std::string& path, std::size_t max_bytes) {
  return MakeError(ErrorKind::kInput, path + ": larger than " + std::to_string(max_bytes) +
                                          " bytes, the most read from such a file");
}

Result<std::string> RealFileSystem::ReadFile(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) errno = EISDIR;
    Error error = OsError("cannot read", path);
    ::close(fd);
    return error;
  }
  std::string contents;
  // st_size is a hint (pipes and /proc report 0); read until EOF either way.
  const auto hinted = static_cast<std::size_t>(info.st_size > 0 ? info.st_size : 0);
  if (hinted > max_bytes) {
    ::close(fd);
    return TooLarge(path, max_bytes);
  }
  contents.resize(hinted);
  std::size_t used = 0;
  while (true) {
    if (used > max_bytes) {
      ::close(fd);
      return TooLarge(path, max_bytes);
    }
    if (used == contents.size()) contents.resize(contents.size() + 65536);
    ssize_t got = ::read(fd, contents.data() + used, contents.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      Error error = OsError("cannot read", path);
      ::close(fd);
      return error;
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  ::close(fd);
  contents.resize(used);
  return contents;
}

Status FileSystem::WriteFileAtomic(const std::string& path, std::string_view contents) {
  Result<std::string> temporary = WriteTemporary(path, contents);
  if (!temporary.ok()) return temporary.error();
  return Commit(*temporary, path);
}

Status FileSystem::WriteFilesAtomic(const std::vector<NewFile>& files) {
  std::vector<std::string> temporaries;
  for (const NewFile& file : files) {
    Result<std::string> temporary = WriteTemporary(file.path, file.contents);
    if (!temporary.ok()) {
      for (const std::string& written : temporaries) Discard(written);
      return temporary.error();
    }
    temporaries.push_back(std::move(temporary).value());
  }
  // Renames are quick; holding the signals for them makes the set change as one.
  sigset_t interrupts, previous;
  sigemptyset(&interrupts);
  sigaddset(&interrupts, SIGINT);
  sigaddset(&interrupts, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &interrupts, &previous);
  Status status;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (status.ok()) {
      status = Commit(temporaries[i], files[i].path);
    } else {
      Discard(temporaries[i]);
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

Result<std::string> RealFileSystem::WriteTemporary(const std::string& path,
                                                   std::string_view contents) {
  // The temporary file sits beside the target so rename() stays within one file system.
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  InFlight::Add(temp);  // before it exists, so a signal at any point finds it
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    Error error = OsError("cannot write", path);
    InFlight::Remove(temp);
    return error;
  }
  std::size_t written = 0;
  while (written < contents.size()) {
    ssize_t put = ::write(fd, contents.data() + written, contents.size() - written);
    if (put < 0) {
      if (errno == EINTR) continue;
      Error error = OsError("cannot write", path);
      ::close(fd);
      Discard(temp);
      return error;
    }
    written += static_cast<std::size_t>(put);
  }
  if (::close(fd) != 0) {
    Error error = OsError("cannot write", path);
    Discard(temp);
    return error;
  }
  return temp;
}

Status RealFileSystem::Commit(const std::string& temporary, const std::string& path) {
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    Error error = OsError("cannot write", path);
    Discard(temporary);
    return error;
  }
  InFlight::Remove(temporary);
  return {};
}

void RealFileSystem::Discard(const std::string& temporary) {
  ::unlink(temporary.c_str());
  InFlight::Remove(temporary);
}

Status RealFileSystem::MakeDirectories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return OsError("cannot create directory", prefix);
    }
    if (slash == std::string::npos) return {};
  }
}

bool RealFileSystem::Exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::string ParentFolder(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void RemoveTemporaryFilesOnSignals() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);  // one handler at a time
  sigaddset(&action.sa_mask, SIGTERM);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace perfgate
