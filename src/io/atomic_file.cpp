// AtomicFile: temporary sibling + rename(2), which is atomic within one filesystem.
#include "stx/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "stx/core/error.hpp"

namespace stx {
namespace fs = std::filesystem;

AtomicFile::AtomicFile(std::string target_path) : target_path_(std::move(target_path)) {
  const fs::path target(target_path_);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  STX_CHECK(fs::is_directory(dir), IoError, "{}: output directory '{}' does not exist",
            target_path_, dir.string());
  STX_CHECK(::access(dir.c_str(), W_OK) == 0, IoError,
            "{}: output directory '{}' is not writable", target_path_, dir.string());
  STX_CHECK(!fs::is_directory(target), IoError, "{}: is a directory, expected a file path",
            target_path_);
  // A dot-prefixed name with the pid keeps concurrent writers apart and out of globs.
  temp_path_ = (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid())))
                   .string();
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove(temp_path_, ignored);
  }
}

void AtomicFile::commit() {
  STX_CHECK(!committed_, IoError, "{}: committed twice", target_path_);
  if (std::rename(temp_path_.c_str(), target_path_.c_str()) != 0) {
    throw IoError(fmt::format("{}: cannot move the finished file into place: {}", target_path_,
                              std::strerror(errno)));
  }
  committed_ = true;
}

void write_text_atomically(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary);
    out << text;
    out.close();
    STX_CHECK(out, IoError, "{}: cannot write ({} bytes)", path, text.size());
  }
  file.commit();
}

}  // namespace stx
