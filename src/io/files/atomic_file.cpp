// AtomicFile: temporary sibling, fsync(2), rename(2) (atomic within one filesystem), fsync of
// the folder.
#include "stx/io/files/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
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

int remove_dead_temporaries(const std::string& folder) {
  int removed = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    const size_t tmp = name.rfind(".tmp.");
    if (name.empty() || name[0] != '.' || tmp == std::string::npos || tmp + 5 == name.size()) continue;
    const std::string digits = name.substr(tmp + 5);
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code ignored;
    if (fs::remove(entry.path(), ignored)) ++removed;
  }
  return removed;
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove(temp_path_, ignored);
  }
}

namespace {

// fsync(2) of a file or folder: the data (or the new name) reaches the disk before the run
// says it is done, and a delayed write error (EIO, ENOSPC on a full disk) is seen here.
void sync_path(const std::string& path, const std::string& what, const std::string& target) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  STX_CHECK(fd >= 0, IoError, "{}: cannot open {} to flush it: {}", target, what, std::strerror(errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  STX_CHECK(rc == 0 || error == EINVAL, IoError, "{}: flushing {} to disk failed: {}", target, what,
            std::strerror(error));  // EINVAL: a filesystem without fsync (some FUSE mounts)
}

// `bytes`, whole, into the file's temporary; IoError naming `path` if any is not written.
void write_temporary(const AtomicFile& file, const std::string& path, const std::string& bytes) {
  std::ofstream out(file.temp_path(), std::ios::binary);
  out << bytes;
  out.close();
  STX_CHECK(out, IoError, "{}: cannot write ({} bytes; disk full?)", path, bytes.size());
}

}  // namespace

void AtomicFile::commit() {
  STX_CHECK(!committed_, IoError, "{}: committed twice", target_path_);
  sync_path(temp_path_, "the written file", target_path_);
  if (std::rename(temp_path_.c_str(), target_path_.c_str()) != 0) {
    throw IoError(fmt::format("{}: cannot move the finished file into place: {}", target_path_,
                              std::strerror(errno)));
  }
  committed_ = true;
  const fs::path target(target_path_);
  sync_path(target.has_parent_path() ? target.parent_path().string() : ".", "its folder", target_path_);
}

void StagedFiles::write(const std::string& path, const std::string& bytes) {
  files_.push_back(std::make_unique<AtomicFile>(path));
  write_temporary(*files_.back(), path, bytes);
}

const std::string& StagedFiles::reserve(const std::string& path) {
  files_.push_back(std::make_unique<AtomicFile>(path));
  return files_.back()->temp_path();
}

void StagedFiles::commit() {
  for (auto& f : files_) f->commit();
  files_.clear();
}

void write_text_atomically(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  write_temporary(file, path, text);
  file.commit();
}

}  // namespace stx
