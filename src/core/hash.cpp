#include "stx/core/hash.hpp"

#include <fstream>
#include <vector>

#include "stx/core/error.hpp"

namespace stx {

uint64_t fnv1a64_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  STX_CHECK(in.good(), IoError, "{}: cannot read", path);
  std::vector<char> buffer(1 << 20);
  uint64_t hash = fnv1a64(nullptr, 0);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash = fnv1a64(buffer.data(), static_cast<size_t>(in.gcount()), hash);
  }
  return hash;
}

}  // namespace stx
