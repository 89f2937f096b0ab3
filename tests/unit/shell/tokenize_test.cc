#include "shell/tokenize.h"

#include <gtest/gtest.h>

namespace bc::shell {
namespace {

TEST(Tokenize, SplitsOnWhitespace) {
  auto words = tokenize("  start  worker-1\tproxy ");
  ASSERT_TRUE(words.is_ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"start", "worker-1", "proxy"}));
}

TEST(Tokenize, QuotesGroupAndBackslashEscapes) {
  auto words = tokenize(R"(exec "ls -l /tmp" 'a b' c\ d "say \"hi\"")");
  ASSERT_TRUE(words.is_ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"exec", "ls -l /tmp", "a b", "c d", "say \"hi\""}));
}

TEST(Tokenize, EmptyQuotesMakeAnEmptyWord) {
  auto words = tokenize("print ''");
  ASSERT_TRUE(words.is_ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"print", ""}));
}

TEST(Tokenize, UnterminatedQuoteIsAnError) {
  auto words = tokenize("exec \"ls");
  ASSERT_FALSE(words.is_ok());
  EXPECT_EQ(words.status().message(), "unterminated \" quote");
  EXPECT_FALSE(tokenize("a\\").is_ok());
}

}  // namespace
}  // namespace bc::shell
