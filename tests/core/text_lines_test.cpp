#include "stx/core/text_lines.hpp"

#include <zlib.h>

#include "test_support.hpp"

namespace stx {
namespace {

TEST(TextLines, ReadsPlainAndGzipAndStripsCrLf) {
  test::TempDir dir;
  test::write_text(dir / "plain.tsv", "a\tb\r\nc\td\ne");  // CRLF, LF, no final newline
  gzFile gz = gzopen((dir / "packed.tsv.gz").c_str(), "wb");
  gzputs(gz, "a\tb\r\nc\td\ne");
  gzclose(gz);
  for (const char* name : {"plain.tsv", "packed.tsv.gz"}) {
    TextLines lines(dir / name);
    std::string line;
    std::vector<std::string> got;
    while (lines.next(line)) got.push_back(line);
    EXPECT_EQ(got, (std::vector<std::string>{"a\tb", "c\td", "e"})) << name;
    EXPECT_EQ(lines.line_number(), 3);
  }
}

TEST(TextLines, LongLinesAreNotSplit) {
  test::TempDir dir;
  const std::string long_line(200000, 'x');
  test::write_text(dir / "long.txt", long_line + "\nshort\n");
  TextLines lines(dir / "long.txt");
  std::string line;
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line.size(), long_line.size());
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "short");
}

TEST(TextLines, StrictNumbers) {
  test::TempDir dir;
  test::write_text(dir / "t.tsv", "x\n");
  TextLines where(dir / "t.tsv");
  EXPECT_DOUBLE_EQ(parse_double("2.5", where, "c"), 2.5);
  EXPECT_EQ(parse_int("\"42\"", where, "c"), 42);  // R writes quoted cells
  EXPECT_FLOAT_EQ(parse_count("7", where, "c"), 7.0f);
  EXPECT_STX_ERROR(parse_double("2.5x", where, "c"), FormatError, "expected a number, found '2.5x'");
  EXPECT_STX_ERROR(parse_int("1.5", where, "c"), FormatError, "expected an integer");
  EXPECT_STX_ERROR(parse_count("-1", where, "GENE"), FormatError,
                   "column 'GENE': expected a non-negative finite count, found -1");
  EXPECT_STX_ERROR(parse_count("nan", where, "GENE"), FormatError, "non-negative finite");
  EXPECT_STX_ERROR(parse_count("inf", where, "GENE"), FormatError, "non-negative finite");
}

}  // namespace
}  // namespace stx
