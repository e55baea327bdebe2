#include "fetch/http/redact.h"

#include <gtest/gtest.h>

namespace perfgate::fetch {
namespace {

TEST(Redact, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(Redact("Bearer abc, again abc; xyz", {"abc", "xyz"}),
            "Bearer [redacted], again [redacted]; [redacted]");
  EXPECT_EQ(Redact("nothing here", {"", "secret"}), "nothing here");
  EXPECT_EQ(Redact("aaaa", {"aa"}), "[redacted][redacted]");
}

TEST(Redact, ControlCharactersAreFound) {
  EXPECT_FALSE(HasControlCharacter("sntryu_abc-DEF.123"));
  EXPECT_TRUE(HasControlCharacter("abc\r\nX-Evil: 1"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\x7f"));
}

}  // namespace
}  // namespace perfgate::fetch
