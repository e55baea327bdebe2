#include "core/file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <thread>
#include <utility>

namespace perfgate {
namespace {

// A FileBytes over a fresh anonymous mapping holding `text`, as RealFileSystem::MapFile makes.
FileBytes Mapped(const std::string& text) {
  void* memory =
      ::mmap(nullptr, text.size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(memory, MAP_FAILED);
  std::memcpy(memory, text.data(), text.size());
  return FileBytes(static_cast<const char*>(memory), text.size());
}

TEST(FileBytes, MoveAssignsOwnedOverOwned) {
  FileBytes target(std::string(100, 'a'));  // long enough to live on the heap
  FileBytes source(std::string(200, 'b'));
  target = std::move(source);
  EXPECT_EQ(target.view(), std::string(200, 'b'));
  EXPECT_EQ(source.view(),
            "");  // NOLINT(bugprone-use-after-move): the moved-from state is specified
}

TEST(FileBytes, MoveAssignsMappedOverOwned) {
  FileBytes target(std::string(100, 'a'));
  target = Mapped("mapped bytes");
  EXPECT_EQ(target.view(), "mapped bytes");
}

TEST(FileBytes, MoveAssignsOwnedOverMapped) {
  FileBytes target = Mapped("mapped bytes");
  target = FileBytes(std::string("owned"));
  EXPECT_EQ(target.view(), "owned");
}

TEST(FileBytes, MoveAssignsMappedOverMappedAndMoveConstructs) {
  FileBytes target = Mapped("first");
  FileBytes source = Mapped("second");
  target = std::move(source);
  EXPECT_EQ(target.view(), "second");
  EXPECT_EQ(source.view(), "");  // NOLINT(bugprone-use-after-move)
  FileBytes moved(std::move(target));
  EXPECT_EQ(moved.view(), "second");
  EXPECT_EQ(target.view(), "");  // NOLINT(bugprone-use-after-move)
}

TEST(FileBytes, SelfMoveAssignmentKeepsTheBytes) {
  FileBytes bytes = Mapped("kept");
  FileBytes& alias = bytes;
  bytes = std::move(alias);
  EXPECT_EQ(bytes.view(), "kept");
}

TEST(RealFileSystem, MapsAndReadsTheSameBytesAndWritesAtomically) {
  char directory[] = "/tmp/perfgate-fs-XXXXXX";
  ASSERT_NE(::mkdtemp(directory), nullptr);
  const std::string path = std::string(directory) + "/file.txt";
  RealFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(path, "one\ntwo\n").ok());
  Result<FileBytes> mapped = fs.MapFile(path);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->view(), "one\ntwo\n");
  Result<std::string> read = fs.ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "one\ntwo\n");
  EXPECT_FALSE(fs.Exists(path + ".tmp." + std::to_string(::getpid())));
  Result<std::string> missing = fs.ReadFile(std::string(directory) + "/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            std::string(directory) + "/none: cannot open: No such file or directory");
  ::unlink(path.c_str());
  ::rmdir(directory);
}

TEST(RealFileSystem, ALimitedReadStopsAtItsLimitEvenOnAnEndlessFile) {
  RealFileSystem fs;
  Result<std::string> zeros = fs.ReadFile("/dev/zero", 1 << 20);
  ASSERT_FALSE(zeros.ok());
  EXPECT_EQ(zeros.error().kind, ErrorKind::kInput);
  EXPECT_EQ(zeros.error().message,
            "/dev/zero: larger than 1048576 bytes, the most read from such a file");
  // A regular file larger than its limit is refused by its size, before it is read.
  char path[] = "/tmp/perfgate_limit_XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  ::close(fd);
  EXPECT_FALSE(fs.ReadFile(path, 9).ok());
  Result<std::string> whole = fs.ReadFile(path, 10);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, "0123456789");
  ::unlink(path);
}

TEST(RealFileSystem, ASetOfFilesIsReplacedWhollyOrNotAtAll) {
  char directory[] = "/tmp/perfgate-fs-XXXXXX";
  ASSERT_NE(::mkdtemp(directory), nullptr);
  const std::string a = std::string(directory) + "/a.md", b = std::string(directory) + "/b.json";
  RealFileSystem fs;
  ASSERT_TRUE(fs.WriteFilesAtomic({{a, "old a"}, {b, "old b"}}).ok());
  // The second file's folder does not exist: neither is replaced, no temporary file stays.
  Status failed = fs.WriteFilesAtomic({{a, "new a"}, {std::string(directory) + "/no/c", "c"}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message,
            std::string(directory) + "/no/c: cannot write: No such file or directory");
  EXPECT_EQ(*fs.ReadFile(a), "old a");
  EXPECT_FALSE(fs.Exists(a + ".tmp." + std::to_string(::getpid())));
  ASSERT_TRUE(fs.WriteFilesAtomic({{a, "new a"}, {b, "new b"}}).ok());
  EXPECT_EQ(*fs.ReadFile(a), "new a");
  EXPECT_EQ(*fs.ReadFile(b), "new b");
  // The two steps: nothing changes until the commit; a discard leaves nothing.
  Result<std::string> staged = fs.WriteTemporary(a, "staged");
  ASSERT_TRUE(staged.ok());
  EXPECT_EQ(*fs.ReadFile(a), "new a");
  fs.Discard(*staged);
  EXPECT_FALSE(fs.Exists(*staged));
  EXPECT_EQ(*fs.ReadFile(a), "new a");
  EXPECT_EQ(ParentFolder(a), directory);
  EXPECT_EQ(ParentFolder("state.json"), "");
  EXPECT_EQ(ParentFolder("/state.json"), "/");
  ::unlink(a.c_str());
  ::unlink(b.c_str());
  ::rmdir(directory);
}

// A scratch folder, removed with its contents at the end of the test.
struct Folder {
  Folder() {
    char pattern[] = "/tmp/perfgate-fs-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~Folder() { std::system(("rm -rf '" + path + "'").c_str()); }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  std::string path;
};

// The pid of a process that has ended (and been reaped).
pid_t DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(RealFileSystem, TemporaryFilesAreUnguessableAndNeverFollowWhatWasPlanted) {
  Folder folder;
  const std::string report = folder.path + "/report.md";
  const std::string victim = folder.path + "/victim";
  RealFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(victim, "precious").ok());
  // What an attacker could plant at the names older versions used: a link to another file
  // and a FIFO (which would hang an open()).
  const std::string pid = std::to_string(::getpid());
  ASSERT_EQ(::symlink(victim.c_str(), (report + ".tmp." + pid).c_str()), 0);
  ASSERT_EQ(::mkfifo((folder.path + "/other.md.tmp." + pid).c_str(), 0644), 0);
  ASSERT_TRUE(fs.WriteFileAtomic(report, "the report").ok());
  ASSERT_TRUE(fs.WriteFileAtomic(folder.path + "/other.md", "another").ok());
  EXPECT_EQ(*fs.ReadFile(victim), "precious");
  EXPECT_EQ(*fs.ReadFile(report), "the report");
  Result<std::string> first = fs.WriteTemporary(report, "a");
  Result<std::string> second = fs.WriteTemporary(report, "b");
  ASSERT_TRUE(first.ok() && second.ok());
  const std::regex name(std::regex_replace(report, std::regex("[.]"), "[.]") + "[.]tmp[.]" + pid +
                        "[.][0-9a-f]{16}");
  EXPECT_TRUE(std::regex_match(*first, name)) << *first;
  EXPECT_NE(*first, *second);
  fs.Discard(*first);
  fs.Discard(*second);
}

TEST(RealFileSystem, LeftoversOfRunsThatNoLongerExistAreRemovedByTheNextWrite) {
  Folder folder;
  const std::string report = folder.path + "/r.json";
  const std::string dead = std::to_string(DeadPid());
  const std::vector<std::string> gone = {report + ".tmp." + dead,
                                         report + ".tmp." + dead + ".0123456789abcdef"};
  const std::vector<std::string> kept = {report + ".tmp.1.0123456789abcdef",  // pid 1 lives
                                         report + ".tmp." + dead + ".notours",
                                         folder.path + "/other.json.tmp." + dead};
  RealFileSystem fs;
  for (const std::string& path : gone) ASSERT_TRUE(fs.WriteFileAtomic(path, "x").ok());
  for (const std::string& path : kept) ASSERT_TRUE(fs.WriteFileAtomic(path, "x").ok());
  ASSERT_TRUE(fs.WriteFileAtomic(report, "{}").ok());
  for (const std::string& path : gone) EXPECT_FALSE(fs.Exists(path)) << path;
  for (const std::string& path : kept) EXPECT_TRUE(fs.Exists(path)) << path;
}

TEST(RealFileSystem, AFifoTargetIsWrittenInPlaceNeverRenamedOver) {
  Folder folder;
  const std::string fifo = folder.path + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::string received;
  std::thread reader([&] {
    const int fd = ::open(fifo.c_str(), O_RDONLY);
    char buffer[256];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
      received.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
  });
  RealFileSystem fs;
  Status written = fs.WriteFilesAtomic({{fifo, "through the pipe"}});
  reader.join();
  EXPECT_TRUE(written.ok());
  EXPECT_EQ(received, "through the pipe");
  struct stat info {};
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  // A failed set never removes it either.
  Status failed = fs.WriteFilesAtomic({{"/dev/null", "x"}, {folder.path + "/no/such", "y"}});
  EXPECT_FALSE(failed.ok());
  ASSERT_EQ(::stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

TEST(RealFileSystem, AFileThatMustBeRegularIsReadWithoutHangingOnAFifoOrADevice) {
  Folder folder;
  const std::string fifo = folder.path + "/entry";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  RealFileSystem fs;
  Result<std::string> from_fifo = fs.ReadRegularFile(fifo, 1 << 20);
  ASSERT_FALSE(from_fifo.ok());
  EXPECT_EQ(from_fifo.error().message,
            fifo + ": not a regular file (a FIFO); perfgate reads only its own files here");
  Result<std::string> zeros = fs.ReadRegularFile("/dev/zero", 1 << 20);
  ASSERT_FALSE(zeros.ok());
  EXPECT_EQ(zeros.error().message,
            "/dev/zero: not a regular file (a device); perfgate reads only its own files here");
  ASSERT_TRUE(fs.WriteFileAtomic(folder.path + "/big", std::string(2000, 'x')).ok());
  EXPECT_EQ(fs.ReadRegularFile(folder.path + "/big", 1000).error().message,
            folder.path + "/big: larger than 1000 bytes, the most read from such a file");
  EXPECT_EQ(*fs.ReadRegularFile(folder.path + "/big", 2000), std::string(2000, 'x'));
}

TEST(RealFileSystem, ALockIsHeldUntilReleasedAndAWaiterGivesUpInTime) {
  Folder folder;
  const std::string path = folder.path + "/state.json.lock";
  RealFileSystem fs;
  Result<std::unique_ptr<FileSystem::Lock>> held = fs.LockFile(path, std::chrono::seconds(0));
  ASSERT_TRUE(held.ok());
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<FileSystem::Lock>> waiter =
      fs.LockFile(path, std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(waiter.ok());
  EXPECT_EQ(waiter.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(waiter.error().message, path + ": held by another run (waited 0.3 s)");
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  // Released while another waits: the waiter gets it.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    held->reset();
  });
  Result<std::unique_ptr<FileSystem::Lock>> next = fs.LockFile(path, std::chrono::seconds(10));
  release.join();
  EXPECT_TRUE(next.ok());
}

}  // namespace
}  // namespace perfgate
