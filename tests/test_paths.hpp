// Where the tests find their data (absolute paths; tests/test_paths.cpp.in is filled by CMake).
#pragma once

namespace stx::test {

extern const char* const kSharedDataDir;  // ../shared/data beside the checkout
extern const char* const kFixturesDir;    // tests/fixtures
extern const char* const kDemoDir;        // demo/

}  // namespace stx::test
