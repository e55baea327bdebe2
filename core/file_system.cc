#include "core/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>
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

// The signals whose default action ends the process: each would leave temporary files.
// SIGPIPE is left alone: libcurl ignores it around its transfers.
constexpr std::array kEndingSignals = {SIGHUP,  SIGINT,  SIGQUIT, SIGALRM, SIGTERM,
                                       SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM};

sigset_t EndingSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : kEndingSignals) sigaddset(&set, signal_number);
  return set;
}

// What WriteTemporary returns for a target written directly: no real path holds a NUL.
const std::string kDirectMark = std::string("\0direct\0", 8);

bool IsDirect(const std::string& temporary) { return temporary.starts_with(kDirectMark); }

// 16 hex digits from the kernel's random source: a temporary name nobody can plant first.
std::string RandomHex() {
  std::uint64_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  std::size_t got = 0;
  while (got < sizeof value) {
    const ssize_t n = ::getrandom(bytes + got, sizeof value - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got < sizeof value) {  // no getrandom (an old kernel): less guessable than the pid alone
    value ^=
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    value ^= reinterpret_cast<std::uintptr_t>(&value);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Removes `<name>.tmp.<pid>` and `<name>.tmp.<pid>.<hex>` files in `folder` left by runs
// that no longer exist (killed by SIGKILL, which no handler sees). A pid that is alive,
// even reused by another process, keeps its file.
void RemoveLeftovers(const std::string& folder, const std::string& name) {
  DIR* dir = ::opendir(folder.empty() ? "." : folder.c_str());
  if (dir == nullptr) return;
  const std::string prefix = name + ".tmp.";
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view file = entry->d_name;
    if (!file.starts_with(prefix)) continue;
    std::string_view rest = file.substr(prefix.size());
    long pid = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || pid <= 0 || pid == ::getpid()) continue;
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    if (!rest.empty() && (rest.size() != 17 || rest[0] != '.' ||
                          rest.find_first_not_of("0123456789abcdef", 1) != std::string_view::npos))
      continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    ::unlinkat(::dirfd(dir), entry->d_name, 0);
  }
  ::closedir(dir);
}

// The descriptor a /dev/stdout-like path names, or -1: writing to it keeps the offset the
// shell gave (a log file opened for appending stays appended to).
int NamedDescriptor(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix)) continue;
    int fd = -1;
    const char* digits = path.c_str() + prefix.size();
    auto [end, ec] = std::from_chars(digits, path.c_str() + path.size(), fd);
    if (ec == std::errc() && end == path.c_str() + path.size() && fd >= 0) return fd;
  }
  return -1;
}

// Whether `path` must be written in place rather than replaced by a rename: a named
// descriptor (renaming over /dev/stdout would replace the link, and nothing would reach
// the output, even when it leads to a log file), a device, a FIFO or a socket, or a link to
// one. A regular file elsewhere under /dev (/dev/shm) is replaced as any other.
bool WrittenInPlace(const std::string& path) {
  if (NamedDescriptor(path) >= 0) return true;
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return false;
  if (S_ISLNK(info.st_mode) && ::stat(path.c_str(), &info) != 0) return false;
  return !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

Status WriteAll(int fd, std::string_view contents, const std::string& path) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t put = ::write(fd, contents.data() + written, contents.size() - written);
    if (put < 0) {
      if (errno == EINTR) continue;
      return OsError("cannot write", path);
    }
    written += static_cast<std::size_t>(put);
  }
  return {};
}

// Writes `contents` to a device, FIFO or named descriptor as a shell's `>>` would.
Status WriteInPlace(const std::string& path, std::string_view contents) {
  std::fflush(nullptr);  // what the process printed before comes first
  if (const int named = NamedDescriptor(path); named >= 0) {
    if (::fcntl(named, F_GETFD) != -1) return WriteAll(named, contents, path);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot write", path);
  Status status = WriteAll(fd, contents, path);
  ::close(fd);
  return status;
}

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

Result<std::string> FileSystem::ReadRegularFile(const std::string& path, std::size_t max_bytes) {
  return ReadFile(path, max_bytes);
}

namespace {

// The bytes of the open file `fd` (closed here), up to `max_bytes`.
Result<std::string> ReadOpenFile(int fd, const std::string& path, std::size_t max_bytes) {
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

}  // namespace

Result<std::string> RealFileSystem::ReadFile(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open", path);
  return ReadOpenFile(fd, path, max_bytes);
}

Result<std::string> RealFileSystem::ReadRegularFile(const std::string& path,
                                                    std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return OsError("cannot open", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    const bool stated = ::fstat(fd, &info) == 0;
    ::close(fd);
    const char* what = !stated                                          ? "cannot be examined"
                       : S_ISFIFO(info.st_mode)                         ? "a FIFO"
                       : S_ISDIR(info.st_mode)                          ? "a directory"
                       : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode) ? "a device"
                                                                        : "a special file";
    return MakeError(ErrorKind::kInput, path + ": not a regular file (" + what +
                                            "); perfgate reads only its own files here");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return ReadOpenFile(fd, path, max_bytes);
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
  const sigset_t interrupts = EndingSignals();
  sigset_t previous;
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
  if (WrittenInPlace(path)) {
    Status written = WriteInPlace(path, contents);
    if (!written.ok()) return written.error();
    return kDirectMark + path;
  }
  const std::string folder = ParentFolder(path);
  RemoveLeftovers(folder, path.substr(folder.empty() ? 0 : path.rfind('/') + 1));
  // The temporary file sits beside the target so rename() stays within one file system;
  // O_EXCL and O_NOFOLLOW: a name planted there (a link to another file, a FIFO) is never
  // opened, and the random part makes planting one a guess.
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    temp = path + ".tmp." + std::to_string(::getpid()) + "." + RandomHex();
    InFlight::Add(temp);  // before it exists, so a signal at any point finds it
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int cause = errno;
      InFlight::Remove(temp);
      errno = cause;
      if (cause != EEXIST) break;
    }
  }
  if (fd < 0 && errno == ENOENT) return OsError("cannot write", path);  // no such folder
  if (fd < 0) {
    return MakeError(ErrorKind::kInput,
                     path + ": cannot write: cannot create a temporary file in " +
                         (folder.empty() ? std::string("the current folder") : folder) +
                         " beside it: " + std::strerror(errno));
  }
  Status written = WriteAll(fd, contents, path);
  if (!written.ok()) {
    ::close(fd);
    Discard(temp);
    return written.error();
  }
  if (::close(fd) != 0) {
    Error error = OsError("cannot write", path);
    Discard(temp);
    return error;
  }
  return temp;
}

Status RealFileSystem::Commit(const std::string& temporary, const std::string& path) {
  if (IsDirect(temporary)) return {};  // written in place already
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    Error error = OsError("cannot write", path);
    Discard(temporary);
    return error;
  }
  InFlight::Remove(temporary);
  return {};
}

Status RealFileSystem::AppendTemporary(const std::string& temporary, std::string_view contents) {
  if (IsDirect(temporary)) return WriteInPlace(temporary.substr(kDirectMark.size()), contents);
  // O_NOFOLLOW: the name is ours (O_EXCL made it), and stays so only if it is no link.
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return OsError("cannot write", temporary);
  Status written = WriteAll(fd, contents, temporary);
  if (::close(fd) != 0 && written.ok()) return OsError("cannot write", temporary);
  return written;
}

void RealFileSystem::Discard(const std::string& temporary) {
  if (IsDirect(temporary)) return;  // a device or FIFO is never removed
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

namespace {

class FlockHold : public FileSystem::Lock {
 public:
  explicit FlockHold(int fd) : fd_(fd) {}
  ~FlockHold() override { ::close(fd_); }  // closing releases the lock
  FlockHold(const FlockHold&) = delete;
  FlockHold& operator=(const FlockHold&) = delete;

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<FileSystem::Lock>> RealFileSystem::LockFile(const std::string& path,
                                                                   std::chrono::milliseconds wait) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return OsError("cannot open the lock", path);
  const auto until = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= until) {
      const bool held = errno == EWOULDBLOCK;
      char waited[32];
      std::snprintf(waited, sizeof waited, "%.1f", static_cast<double>(wait.count()) / 1000);
      Error error = held ? MakeError(ErrorKind::kUnavailable,
                                     path + ": held by another run (waited " + waited + " s)")
                         : OsError("cannot lock", path);
      ::close(fd);
      return error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::unique_ptr<FileSystem::Lock>(std::make_unique<FlockHold>(fd));
}

void RemoveTemporaryFilesOnSignals() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  action.sa_mask = EndingSignals();  // one handler at a time
  for (int signal_number : kEndingSignals) {
    // A signal the parent ignores stays ignored (nohup's SIGHUP): it would not end the run.
    struct sigaction current {};
    if (::sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
      continue;
    ::sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace perfgate
