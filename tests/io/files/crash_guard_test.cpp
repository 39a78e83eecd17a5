// The guard around parsers that are not ours: a read that crashes or never ends in the child
// becomes one FormatError naming the file; a read that succeeds or throws lets the caller go on.
#include "stx/io/files/crash_guard.hpp"

#include <unistd.h>

#include <csignal>
#include <stdexcept>

#include "test_support.hpp"

namespace stx {
namespace {

TEST(CrashGuard, AReadThatSucceedsOrThrowsLetsTheCallerGoOn) {
  EXPECT_NO_THROW(refuse_if_reading_crashes("good.h5", "HDF5", [] {}));
  // the caller's own read raises the error again, so the guard stays quiet
  EXPECT_NO_THROW(refuse_if_reading_crashes("bad.h5", "HDF5", [] { throw std::runtime_error("no"); }));
}

TEST(CrashGuard, ACrashInTheChildIsAnErrorNamingTheFileAndSignal) {
  EXPECT_STX_ERROR(refuse_if_reading_crashes("x.h5", "HDF5", [] { std::raise(SIGSEGV); }), FormatError,
                   "x.h5: damaged file: reading it crashed the HDF5 library (signal 11");
  EXPECT_STX_ERROR(refuse_if_reading_crashes("y.h5", "HDF5", [] { std::abort(); }), FormatError,
                   "y.h5: damaged file: reading it crashed the HDF5 library (signal 6");
}

TEST(CrashGuard, AReadThatNeverEndsIsStoppedAtTheLimit) {
  EXPECT_STX_ERROR(refuse_if_reading_crashes("z.h5", "HDF5", [] { for (;;) ::pause(); }, 0.3), FormatError,
                   "z.h5: damaged file: the HDF5 library did not finish reading it within 0.3 s");
}

}  // namespace
}  // namespace stx
