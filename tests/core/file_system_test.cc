#include "core/file_system.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
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

}  // namespace
}  // namespace perfgate
