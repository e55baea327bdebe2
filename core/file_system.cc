#include "core/file_system.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace perfgate {
namespace {

Error OsError(const std::string& what, const std::string& path) {
  return MakeError(ErrorKind::kInput, path + ": " + what + ": " + std::strerror(errno));
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

Result<FileBytes> FileSystem::MapFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  return FileBytes(std::move(text).value());
}

Result<FileBytes> RealFileSystem::MapFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size == 0) {
    ::close(fd);
    return FileSystem::MapFile(path);  // let the plain read give the error, or read a pipe
  }
  auto size = static_cast<std::size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) return FileSystem::MapFile(path);
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

Status RealFileSystem::WriteFileAtomic(const std::string& path, std::string_view contents) {
  // The temporary file sits beside the target so rename() stays within one file system.
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return OsError("cannot write", path);
  std::size_t written = 0;
  while (written < contents.size()) {
    ssize_t put = ::write(fd, contents.data() + written, contents.size() - written);
    if (put < 0) {
      if (errno == EINTR) continue;
      Error error = OsError("cannot write", path);
      ::close(fd);
      ::unlink(temp.c_str());
      return error;
    }
    written += static_cast<std::size_t>(put);
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    Error error = OsError("cannot write", path);
    ::unlink(temp.c_str());
    return error;
  }
  return {};
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

}  // namespace perfgate
