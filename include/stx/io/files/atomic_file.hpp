// Atomic output: write to a temporary sibling, then flush it to disk and rename it over the
// target on commit().
// If the writer throws, the destructor removes the temporary, so a crash or a bad input never
// leaves a half-written file that looks whole.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace stx {

class AtomicFile {
 public:
  /// Fails with IoError if the target's directory does not exist or is not writable.
  explicit AtomicFile(std::string target_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Where the writer should write.
  const std::string& temp_path() const { return temp_path_; }
  /// Renames the temporary onto the target. Call once, after the file is closed.
  void commit();

 private:
  std::string target_path_;
  std::string temp_path_;
  bool committed_ = false;
};

/// Files of one command that appear together or not at all: each is written whole to its
/// temporary when given; commit() moves them all into place. Destroyed uncommitted (an error
/// later in the command), it removes every temporary, so a failed command leaves none of them.
class StagedFiles {
 public:
  void write(const std::string& path, const std::string& bytes);
  /// A temporary path for `path` that the caller's own writer fills (an .h5ad, a TSV).
  const std::string& reserve(const std::string& path);
  void commit();
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<AtomicFile>> files_;
};

/// Removes from `folder` the temporaries of AtomicFiles whose process is gone (".NAME.tmp.PID"
/// where no process PID runs: a run killed by SIGKILL or Ctrl-C, whose destructors never ran).
/// Another live process's temporaries are kept. Returns how many were removed.
int remove_dead_temporaries(const std::string& folder);

/// Writes `text` to `path` through an AtomicFile; IoError if it cannot be written whole.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace stx
