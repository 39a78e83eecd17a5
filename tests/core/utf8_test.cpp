// UTF-8 validation against Python's decoder: each expected offset is the `start` of the
// UnicodeDecodeError that bytes.decode("utf-8") raises on the same bytes (-1: it decodes).
#include "stx/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace stx {
namespace {

TEST(Utf8, FirstInvalidByteAsPythonFindsIt) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"\x70\x6c\x61\x69\x6e\x20\x61\x73\x63\x69\x69", -1},
      {"\xc2\xb5\x6d", -1},
      {"\x43\x41\x46\xc3\x89", -1},
      {"\x43\x41\x46\xe9", 3},  // Latin-1 'CAFÉ'
      {"\xc0\xaf", 0},          // overlong
      {"\xc1\xbf", 0},
      {"\x6f\x6b\xc2", 2},      // truncated
      {"\xe0\x80\x80", 0},
      {"\xe0\xa0\x80", -1},
      {"\xed\x9f\xbf", -1},
      {"\xed\xa0\x80", 0},      // a surrogate
      {"\xef\xbf\xbf", -1},
      {"\xf0\x8f\xbf\xbf", 0},
      {"\xf0\x90\x80\x80", -1},
      {"\xf4\x8f\xbf\xbf", -1},
      {"\xf4\x90\x80\x80", 0},  // beyond U+10FFFF
      {"\xf5\x80\x80\x80", 0},
      {"\x61\x62\xe2\x82", 2},
      {"\xe2\x82\xac\x20\x65\x75\x72\x6f", -1},
      {"\x80", 0},
      {"\x78\xc3\xa9\xff", 3},
      {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1},
      {"\xf0\x9f\x98\x80\x21", -1},
  };
  for (const auto& [bytes, expected] : cases) {
    const auto found = first_invalid_utf8(bytes);
    EXPECT_EQ(found ? static_cast<int>(*found) : -1, expected) << testing::PrintToString(bytes);
  }
}

}  // namespace
}  // namespace stx
