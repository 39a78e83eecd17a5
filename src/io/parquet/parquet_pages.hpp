// Decoding a Parquet page's bytes: decompression (SNAPPY, GZIP, ZSTD through their Debian
// libraries), the RLE / bit-packed hybrid of levels and dictionary indices, and PLAIN values.
// Every length is checked against the bytes there are; a short or inconsistent page is a
// FormatError naming `what` (the file and column).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stx::parquet {

/// The most one page may decompress to (real writers use about 1 MiB pages).
inline constexpr int64_t kMaxPageBytes = int64_t{256} << 20;

/// The most values one page may hold. An RLE run of a few bytes can claim any count, so the
/// count alone would size the decode; real writers start a new page every 20,000 rows or so
/// (Arrow, Polars) and pages of all-null columns stay far below this.
inline constexpr int64_t kMaxPageValues = int64_t{1} << 26;

/// The most rows one file may declare: the columns are held in memory, 9 bytes a value or more.
inline constexpr int64_t kMaxFileRows = int64_t{1} << 31;

/// `size` bytes at `data` in `codec`, decompressed to exactly `uncompressed_size` bytes.
std::vector<uint8_t> decompress(int32_t codec, const uint8_t* data, size_t size, int64_t uncompressed_size,
                                const std::string& what);

/// A byte range being consumed front to back.
struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  /// Takes `n` bytes off the front; FormatError naming `field` if there are fewer.
  Bytes take(size_t n, const char* field, const std::string& what);
  uint32_t u32le(const char* field, const std::string& what);
};

/// `count` values of `bit_width` (0..32) bits from the RLE / bit-packed hybrid in `in`.
std::vector<uint32_t> decode_hybrid(Bytes in, int bit_width, int64_t count, const std::string& what);

/// `count` PLAIN values of a physical type: integers (BOOLEAN, INT32, INT64) into `ints`,
/// FLOAT and DOUBLE into `reals`, BYTE_ARRAY into `strings`.
struct PlainValues {
  std::vector<int64_t> ints;
  std::vector<double> reals;
  std::vector<std::string> strings;
  size_t size() const { return ints.size() + reals.size() + strings.size(); }
};
PlainValues decode_plain(Bytes in, int32_t type, int64_t count, const std::string& what);

/// The bits a level or index of at most `max_value` needs.
int bit_width_of(uint32_t max_value);

}  // namespace stx::parquet
