// FNV-1a 64-bit: a stable, fast content hash for cache keys and weight identities. Not for
// security.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace stx {

inline uint64_t fnv1a64(const void* data, size_t size, uint64_t hash = 1469598103934665603ULL) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
  return hash;
}

/// Hash of a whole file's bytes; IoError if it cannot be read.
uint64_t fnv1a64_file(const std::string& path);

/// A fingerprint of a file's content: its size and the hash of all its bytes, or for a file
/// over 64 MiB (a whole-slide image) of 64 blocks of 64 KiB spread over it, first and last
/// included. What keys caches by content rather than by path.
uint64_t file_fingerprint(const std::string& path);

}  // namespace stx
