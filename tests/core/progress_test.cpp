// Progress lines: a tenth at a time into a log, one rewritten line on a terminal, silence for
// an empty loop; rates and ETAs from an injected clock.
#include "stx/core/progress.hpp"

#include <cstdio>
#include <string>

#include "test_support.hpp"

namespace stx {
namespace {

// What the reporter wrote into a memory stream.
struct Captured {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* stream = open_memstream(&buffer, &size);
  std::string text() {
    std::fflush(stream);
    return std::string(buffer, size);
  }
  ~Captured() {
    std::fclose(stream);
    std::free(buffer);
  }
};

TEST(Progress, ALogGetsALineAtEachTenthAndAtTheEnd) {
  Captured out;
  double now = 0;
  {
    Progress p("encode", 1000, out.stream, false, [&] { return now; });
    now = 1;
    p.update(50);  // under a tenth: nothing
    now = 2;
    p.update(250);  // past two tenths: one line
    now = 4;
    p.update(260);  // still under three tenths: nothing
    now = 10;
    p.update(1000);
  }
  EXPECT_EQ(out.text(),
            "  encode  250/1,000 spots  125 spots/s  ETA 6 s\n"
            "  encode  1,000/1,000 spots  100 spots/s  in 10 s\n");
}

TEST(Progress, ATerminalGetsOneLineRewrittenAtMostTwiceASecond) {
  Captured out;
  double now = 0;
  {
    Progress p("encode", 200'000, out.stream, true, [&] { return now; });
    now = 1;
    p.update(100);
    now = 1.2;
    p.update(200);  // 0.2 s after the last line: skipped
    now = 2;
    p.update(400);
  }
  const std::string text = out.text();
  EXPECT_EQ(text.substr(0, 1), "\r");
  EXPECT_NE(text.find("100/200,000 spots  100 spots/s  ETA 33 min"), std::string::npos) << text;
  EXPECT_EQ(text.find("200/200,000"), std::string::npos) << text;
  EXPECT_NE(text.find("400/200,000 spots  200 spots/s  ETA 17 min"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');  // the line is ended when the loop is
}

TEST(Progress, NothingForAnEmptyLoopAndReadableDurations) {
  Captured out;
  {
    Progress p("encode", 0, out.stream, false, [] { return 0.0; });
    p.update(0);
  }
  EXPECT_EQ(out.text(), "");
  EXPECT_EQ(human_duration(45), "45 s");
  EXPECT_EQ(human_duration(17 * 60), "17 min");
  EXPECT_EQ(human_duration(2.1 * 3600), "2.1 h");
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

// A resumed run counts only its own spots in spots/s and the ETA, and skips the tenths done.
TEST(Progress, AResumedRunCountsOnlyItsOwnSpots) {
  Captured out;
  double now = 0;
  {
    Progress p("encode", 1000, out.stream, false, [&] { return now; });
    p.resume_from(600);
    now = 2;
    p.update(700);  // 100 spots in 2 s; the first six tenths are not printed again
    now = 8;
    p.update(1000);
  }
  EXPECT_EQ(out.text(),
            "  encode  700/1,000 spots  50 spots/s  ETA 6 s\n"
            "  encode  1,000/1,000 spots  50 spots/s  in 8 s\n");
}

}  // namespace
}  // namespace stx
