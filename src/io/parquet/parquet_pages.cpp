#include "parquet_pages.hpp"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <limits>

#include "parquet_thrift.hpp"
#include "stx/core/error.hpp"

namespace stx::parquet {

Bytes Bytes::take(size_t n, const char* field, const std::string& what) {
  STX_CHECK(n <= size, FormatError, "{}: {} needs {} bytes, the page has {} left", what, field, n, size);
  Bytes front{data, n};
  data += n;
  size -= n;
  return front;
}

uint32_t Bytes::u32le(const char* field, const std::string& what) {
  const Bytes b = take(4, field, what);
  return static_cast<uint32_t>(b.data[0]) | static_cast<uint32_t>(b.data[1]) << 8 |
         static_cast<uint32_t>(b.data[2]) << 16 | static_cast<uint32_t>(b.data[3]) << 24;
}

int bit_width_of(uint32_t max_value) {
  int bits = 0;
  while (bits < 32 && (max_value >> bits) != 0) ++bits;
  return bits;
}

std::vector<uint8_t> decompress(int32_t codec, const uint8_t* data, size_t size, int64_t uncompressed_size,
                                const std::string& what) {
  STX_CHECK(uncompressed_size >= 0 && uncompressed_size <= kMaxPageBytes, FormatError,
            "{}: a page of {} bytes uncompressed (at most {})", what, uncompressed_size, kMaxPageBytes);
  std::vector<uint8_t> out(static_cast<size_t>(uncompressed_size));
  const auto wrong_size = [&](const char* name, size_t got) {
    return FormatError(fmt::format("{}: a {} page decompressed to {} bytes, its header says {}", what, name, got,
                                   uncompressed_size));
  };
  switch (codec) {
    case kUncompressed:
      if (size != out.size()) throw wrong_size("uncompressed", size);
      if (size > 0) std::memcpy(out.data(), data, size);
      return out;
    case kSnappy: {
      size_t length = 0;
      const char* in = reinterpret_cast<const char*>(data);
      STX_CHECK(snappy::GetUncompressedLength(in, size, &length), FormatError, "{}: damaged SNAPPY page", what);
      if (length != out.size()) throw wrong_size("SNAPPY", length);
      STX_CHECK(snappy::RawUncompress(in, size, reinterpret_cast<char*>(out.data())), FormatError,
                "{}: damaged SNAPPY page", what);
      return out;
    }
    case kGzip: {
      z_stream z{};
      STX_CHECK(inflateInit2(&z, 15 + 32) == Z_OK, FormatError, "{}: zlib cannot start", what);  // gzip or zlib
      z.next_in = const_cast<Bytef*>(data);
      z.avail_in = static_cast<uInt>(std::min<size_t>(size, std::numeric_limits<uInt>::max()));
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      const int status = inflate(&z, Z_FINISH);
      const size_t got = out.size() - z.avail_out;
      inflateEnd(&z);
      STX_CHECK(status == Z_STREAM_END || (status == Z_BUF_ERROR && got == out.size() && z.avail_in == 0),
                FormatError, "{}: damaged GZIP page (zlib status {})", what, status);
      if (got != out.size()) throw wrong_size("GZIP", got);
      return out;
    }
    case kZstd: {
      const size_t got = ZSTD_decompress(out.data(), out.size(), data, size);
      STX_CHECK(!ZSTD_isError(got), FormatError, "{}: damaged ZSTD page ({})", what, ZSTD_getErrorName(got));
      if (got != out.size()) throw wrong_size("ZSTD", got);
      return out;
    }
    default:
      throw FormatError(fmt::format("{}: compression codec {} is not supported (uncompressed, SNAPPY, GZIP, "
                                    "ZSTD are; 3 is LZO, 4 BROTLI, 5 LZ4, 7 LZ4_RAW)",
                                    what, codec));
  }
}

namespace {

uint64_t read_varint(Bytes& in, const std::string& what) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t byte = *in.take(1, "a run header", what).data;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  throw FormatError(fmt::format("{}: a run header longer than 10 bytes", what));
}

}  // namespace

std::vector<uint32_t> decode_hybrid(Bytes in, int bit_width, int64_t count, const std::string& what) {
  STX_CHECK(bit_width >= 0 && bit_width <= 32, FormatError, "{}: bit width {} (0..32)", what, bit_width);
  std::vector<uint32_t> out;
  out.reserve(static_cast<size_t>(count));
  const uint64_t mask = bit_width == 32 ? 0xffffffffu : (uint64_t{1} << bit_width) - 1;
  while (static_cast<int64_t>(out.size()) < count) {
    const uint64_t header = read_varint(in, what);
    const uint64_t length = header >> 1;
    STX_CHECK(length > 0, FormatError, "{}: an empty run in RLE / bit-packed data", what);
    const size_t left = static_cast<size_t>(count) - out.size();
    if (header & 1) {  // bit-packed: `length` groups of 8 values, least significant bit first
      STX_CHECK(length <= in.size, FormatError, "{}: {} bit-packed groups, the page has {} bytes left", what, length,
                in.size);
      const Bytes packed = in.take(static_cast<size_t>(length) * static_cast<size_t>(bit_width), "bit-packed values", what);
      const size_t n = std::min<size_t>(left, static_cast<size_t>(length) * 8);
      for (size_t i = 0; i < n; ++i) {
        const size_t bit = i * static_cast<size_t>(bit_width);
        uint64_t word = 0;
        for (size_t b = 0; b < 5 && bit / 8 + b < packed.size; ++b)
          word |= static_cast<uint64_t>(packed.data[bit / 8 + b]) << (8 * b);
        out.push_back(static_cast<uint32_t>((word >> (bit % 8)) & mask));
      }
    } else {  // a run of one value in ceil(bit_width / 8) little-endian bytes
      const Bytes value_bytes = in.take(static_cast<size_t>((bit_width + 7) / 8), "a run's value", what);
      uint32_t value = 0;
      for (size_t b = 0; b < value_bytes.size; ++b) value |= static_cast<uint32_t>(value_bytes.data[b]) << (8 * b);
      STX_CHECK(value <= mask, FormatError, "{}: run value {} wider than {} bits", what, value, bit_width);
      out.insert(out.end(), std::min<size_t>(left, length), value);
    }
  }
  return out;
}

namespace {

// `n` little-endian values of type T at `p`, appended as the wider type of `out`.
template <typename T, typename Wide>
void widen(const uint8_t* p, size_t n, std::vector<Wide>& out) {
  out.reserve(out.size() + n);
  for (size_t i = 0; i < n; ++i) {
    T x;
    std::memcpy(&x, p + sizeof(T) * i, sizeof(T));
    out.push_back(static_cast<Wide>(x));
  }
}

}  // namespace

PlainValues decode_plain(Bytes in, int32_t type, int64_t count, const std::string& what) {
  PlainValues v;
  const size_t n = static_cast<size_t>(count);
  const auto fixed = [&](size_t width) {
    STX_CHECK(n <= in.size / width, FormatError, "{}: {} PLAIN values of {} bytes, the page has {}", what, n, width,
              in.size);
    return in.take(n * width, "PLAIN values", what).data;
  };
  switch (type) {
    case kBoolean: {
      STX_CHECK(n <= in.size * 8, FormatError, "{}: {} PLAIN booleans, the page has {} bytes", what, n, in.size);
      for (size_t i = 0; i < n; ++i) v.ints.push_back((in.data[i / 8] >> (i % 8)) & 1);
      return v;
    }
    case kInt32: widen<int32_t>(fixed(4), n, v.ints); return v;
    case kInt64: {
      const uint8_t* p = fixed(8);
      v.ints.resize(n);
      if (n > 0) std::memcpy(v.ints.data(), p, 8 * n);
      return v;
    }
    case kFloat: widen<float>(fixed(4), n, v.reals); return v;
    case kDouble: {
      const uint8_t* p = fixed(8);
      v.reals.resize(n);
      if (n > 0) std::memcpy(v.reals.data(), p, 8 * n);
      return v;
    }
    case kByteArray: {
      STX_CHECK(n <= in.size / 4, FormatError, "{}: {} PLAIN byte arrays, the page has {} bytes", what, n, in.size);
      v.strings.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        const uint32_t length = in.u32le("a byte array's length", what);
        const Bytes s = in.take(length, "a byte array", what);
        v.strings.emplace_back(reinterpret_cast<const char*>(s.data), s.size);
      }
      return v;
    }
    default:
      throw FormatError(fmt::format("{}: physical type {} is not supported (BOOLEAN, INT32, INT64, FLOAT, DOUBLE, "
                                    "BYTE_ARRAY are; 3 is INT96, 7 FIXED_LEN_BYTE_ARRAY)",
                                    what, type));
  }
}

}  // namespace stx::parquet
