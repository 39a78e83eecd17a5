// The sizes a zip archive declares for its entries, read from its central directory with
// libzip before anything is inflated: a torch.save archive whose entry would inflate to
// gigabytes from a megabyte (a zip bomb) is refused here, where LibTorch's reader would
// allocate the whole record first.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace stx {

struct ArchiveEntry {
  uint64_t size = 0;        // uncompressed bytes
  uint64_t compressed = 0;  // bytes in the file
};

inline constexpr uint64_t kMaxArchiveEntryBytes = uint64_t{32} << 30;  // 32 GiB: beyond any ViT-g
inline constexpr uint64_t kMaxPickleBytes = uint64_t{256} << 20;       // data.pkl: kB to MB in practice
inline constexpr uint64_t kMaxInflationRatio = 100;  // torch.save stores (1:1); deflated floats ~1.1:1

/// Entries by name below the archive's top folder ("archive/data/0" -> "data/0"). FormatError
/// when the directory is unreadable or an entry is larger than kMaxArchiveEntryBytes, or
/// inflates more than kMaxInflationRatio times beyond 64 MiB.
std::map<std::string, ArchiveEntry> read_archive_entries(const std::string& path);

}  // namespace stx
