// For readers that take a path: the fuzzer's bytes written to one file in /dev/shm (or /tmp),
// rewritten for each input; for readers of two files, the bytes split at the first NUL.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

namespace stx::fuzz {

inline std::string input_file(const uint8_t* data, size_t size, const std::string& name) {
  static const std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  const std::string path = dir + "/stx-fuzz-" + std::to_string(::getpid()) + "-" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

/// The fuzzer's bytes as two texts: before and after the first NUL byte (the second is empty
/// when there is none).
inline std::pair<std::string, std::string> split_input(const uint8_t* data, size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const size_t nul = all.find('\0');
  if (nul == std::string::npos) return {all, ""};
  return {all.substr(0, nul), all.substr(nul + 1)};
}

/// Writes `text` to `path` (created or replaced).
inline void write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
}

}  // namespace stx::fuzz
