// A small read-only Parquet reader for the tables single-cell platforms write (Xenium's
// cells.parquet and transcripts.parquet, Visium HD's tissue_positions.parquet). Debian 12
// packages no Parquet library; this reads flat schemas of BOOLEAN, INT32, INT64, FLOAT,
// DOUBLE and BYTE_ARRAY columns, required or optional, in PLAIN, RLE and dictionary
// encodings, data pages v1 and v2, uncompressed or SNAPPY, GZIP or ZSTD. The footer is
// decoded with Apache Thrift's compact protocol (libthrift). Anything else is a FormatError
// naming the file and what it found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stx {

enum class ParquetType { Boolean, Int32, Int64, Float, Double, ByteArray };

/// One column of a table. Integer and boolean columns fill `ints`, FLOAT and DOUBLE `reals`,
/// BYTE_ARRAY `strings`; a null is 0, NaN or "" there, and 0 in `valid`.
struct ParquetColumn {
  std::string name;
  ParquetType type = ParquetType::Int64;
  std::vector<uint8_t> valid;  // one per row: 1 unless null
  std::vector<int64_t> ints;
  std::vector<double> reals;
  std::vector<std::string> strings;
  int64_t null_count() const;
};

struct ParquetTable {
  int64_t rows = 0;
  std::vector<ParquetColumn> columns;
  /// FormatError naming the file's columns when `name` is not one of them.
  const ParquetColumn& column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  std::string path;
};

/// Reads `path`, all columns or only those named in `columns` (missing ones are an error).
ParquetTable read_parquet(const std::string& path, const std::vector<std::string>& columns = {});

/// The same from bytes in memory (`name` stands for the file in errors); for fuzzing.
ParquetTable read_parquet_bytes(const std::string& bytes, const std::string& name,
                                const std::vector<std::string>& columns = {});

}  // namespace stx
