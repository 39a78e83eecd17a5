// Atomic output: write to a temporary sibling, then rename over the target on commit().
// If the writer throws, the destructor removes the temporary, so a crash or a bad input never
// leaves a half-written file that looks whole.
#pragma once

#include <string>

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

/// Writes `text` to `path` through an AtomicFile; IoError if it cannot be written whole.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace stx
