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

uint64_t file_fingerprint(const std::string& path) {
  constexpr uint64_t kWhole = 64ull << 20, kBlock = 64ull << 10, kBlocks = 64;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  STX_CHECK(in.good(), IoError, "{}: cannot read", path);
  const auto size = static_cast<uint64_t>(in.tellg());
  uint64_t hash = fnv1a64(&size, sizeof size);
  if (size <= kWhole) return fnv1a64_file(path) ^ (hash * 31);
  std::vector<char> block(kBlock);
  for (uint64_t k = 0; k < kBlocks; ++k) {
    const uint64_t offset = (size - kBlock) / (kBlocks - 1) * k;
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(block.data(), static_cast<std::streamsize>(kBlock));
    hash = fnv1a64(block.data(), static_cast<size_t>(in.gcount()), hash);
  }
  return hash;
}

}  // namespace stx
