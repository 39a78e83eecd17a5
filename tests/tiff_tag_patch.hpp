// The tags of a classic little-endian TIFF as editable numbers: each directory entry that holds
// one SHORT or LONG in place (ImageWidth, TileWidth, TileOffsets of a one-tile level...) can be
// rewritten in the file's bytes, so tests and the pyramid fuzzer lie about a real pyramid's
// sizes without rewriting it through libtiff (which would refuse to write the lie).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace stx::test {

struct TiffTagSlot {
  int directory;
  uint16_t tag, type;  // 3 SHORT, 4 LONG
  size_t value_at;     // byte offset of the value in the file
};

inline uint32_t read_le(const std::string& bytes, size_t at, int width) {
  uint32_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<size_t>(i)]);
  return v;
}

/// The single-value SHORT and LONG entries of every directory; empty unless "II*\0".
inline std::vector<TiffTagSlot> tiff_tag_slots(const std::string& bytes) {
  std::vector<TiffTagSlot> slots;
  if (bytes.size() < 8 || bytes.compare(0, 4, std::string("II*\0", 4)) != 0) return slots;
  size_t ifd = read_le(bytes, 4, 4);
  for (int directory = 0; ifd != 0 && ifd + 2 <= bytes.size() && directory < 64; ++directory) {
    const uint32_t entries = read_le(bytes, ifd, 2);
    if (ifd + 2 + 12 * size_t{entries} + 4 > bytes.size()) break;
    for (uint32_t e = 0; e < entries; ++e) {
      const size_t at = ifd + 2 + 12 * size_t{e};
      const auto tag = static_cast<uint16_t>(read_le(bytes, at, 2)), type = static_cast<uint16_t>(read_le(bytes, at + 2, 2));
      if ((type == 3 || type == 4) && read_le(bytes, at + 4, 4) == 1) slots.push_back({directory, tag, type, at + 8});
    }
    ifd = read_le(bytes, ifd + 2 + 12 * size_t{entries}, 4);
  }
  return slots;
}

/// Writes `value` into `slot` (its low 16 bits for a SHORT).
inline void set_tag(std::string& bytes, const TiffTagSlot& slot, uint32_t value) {
  const int width = slot.type == 3 ? 2 : 4;
  for (int i = 0; i < width; ++i) bytes[slot.value_at + static_cast<size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

/// Sets `tag` of `directory`; false when that entry is not a single in-place SHORT or LONG.
inline bool set_tag(std::string& bytes, int directory, uint16_t tag, uint32_t value) {
  for (const auto& slot : tiff_tag_slots(bytes))
    if (slot.directory == directory && slot.tag == tag) {
      set_tag(bytes, slot, value);
      return true;
    }
  return false;
}

}  // namespace stx::test
