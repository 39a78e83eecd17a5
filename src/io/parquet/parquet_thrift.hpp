// The parts of Parquet's Thrift-encoded metadata that the reader uses: the footer
// (FileMetaData: schema, row groups, column chunks) and page headers, decoded with libthrift's
// compact protocol. Field ids follow the format's parquet.thrift.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stx::parquet {

// Physical types, repetitions, codecs, page types and encodings: the format's numbers.
enum PhysicalType : int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5,
                              kByteArray = 6, kFixedLenByteArray = 7 };
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };
enum Encoding : int32_t { kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kRleDictionary = 8 };

struct SchemaElement {
  int32_t type = -1;  // -1: a group (the root)
  int32_t repetition = kRequired;
  std::string name;
  int32_t num_children = 0;
};

struct ColumnMeta {
  int32_t type = -1;
  std::vector<std::string> path;
  int32_t codec = kUncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = -1;
  int64_t dictionary_page_offset = -1;
  bool external = false;  // the chunk lives in another file (file_path set)
};

struct RowGroup {
  std::vector<ColumnMeta> columns;
  int64_t num_rows = 0;
};

struct FileMeta {
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
};

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;  // data pages (v1, v2) and dictionary pages
  int32_t encoding = kPlain;
  int32_t definition_level_encoding = kRle;  // v1
  int32_t num_nulls = 0;                     // v2
  int32_t num_rows = 0;                      // v2
  int32_t definition_levels_length = 0;      // v2, stored uncompressed before the values
  int32_t repetition_levels_length = 0;      // v2
  bool is_compressed = true;                 // v2
};

/// The footer's FileMetaData. `what` names the file in errors (FormatError).
FileMeta decode_file_meta(const uint8_t* data, size_t size, const std::string& what);

/// A page header at `data`; `header_size` gets the bytes it took.
PageHeader decode_page_header(const uint8_t* data, size_t size, size_t& header_size, const std::string& what);

}  // namespace stx::parquet
