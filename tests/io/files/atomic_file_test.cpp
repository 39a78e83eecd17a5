// Atomic outputs: nothing under the final name before commit, the file whole after it, and a
// set of staged files that appear together or, when the command fails first, not at all
// (no temporaries left either).
#include "stx/io/files/atomic_file.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_support.hpp"

namespace stx {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, AppearsWholeOnCommitOnly) {
  test::TempDir dir;
  write_text_atomically(dir / "a.txt", "hello");
  EXPECT_EQ(read(dir / "a.txt"), "hello");
  {
    AtomicFile f(dir / "b.txt");
    std::ofstream(f.temp_path()) << "never";
  }  // not committed
  EXPECT_FALSE(fs::exists(dir / "b.txt"));
  EXPECT_EQ(entries(dir.path()), 1u);  // no temporary left
  EXPECT_THROW(AtomicFile((dir.path() / "missing" / "c.txt").string()), IoError);
}

TEST(StagedFiles, AllOrNothing) {
  test::TempDir dir;
  {
    StagedFiles files;
    files.write(dir / "one.png", "1");
    std::ofstream(files.reserve(dir / "two.h5ad")) << "2";
    EXPECT_EQ(files.size(), 2u);
    EXPECT_FALSE(fs::exists(dir / "one.png"));
    // the command fails here: the files go out of scope uncommitted
  }
  EXPECT_EQ(entries(dir.path()), 0u);
  StagedFiles files;
  files.write(dir / "one.png", "1");
  std::ofstream(files.reserve(dir / "two.h5ad")) << "2";
  files.commit();
  EXPECT_EQ(read(dir / "one.png"), "1");
  EXPECT_EQ(read(dir / "two.h5ad"), "2");
  EXPECT_EQ(entries(dir.path()), 2u);
}

// A killed run's temporaries go (its process is gone); a live process's and the user's files stay.
TEST(AtomicFile, RemovesTheTemporariesOfDeadProcessesOnly) {
  test::TempDir dir;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // reaped: no process has this pid now
  const std::string dead = "." + std::string("checkpoint.pt.tmp.") + std::to_string(child);
  const std::string alive = ".checkpoint.pt.tmp." + std::to_string(::getpid());
  for (const std::string& name : {dead, alive, std::string("notes.tmp.12"), std::string(".model.pt.tmp.x1")})
    std::ofstream(dir / name) << "partial";
  EXPECT_EQ(remove_dead_temporaries(dir.path()), 1);
  EXPECT_FALSE(fs::exists(dir / dead));
  EXPECT_TRUE(fs::exists(dir / alive));
  EXPECT_TRUE(fs::exists(dir / "notes.tmp.12"));
  EXPECT_TRUE(fs::exists(dir / ".model.pt.tmp.x1"));
  EXPECT_EQ(remove_dead_temporaries(dir / "missing"), 0);
}

}  // namespace
}  // namespace stx
