// read_parquet: the footer, then each requested column chunk of each row group page by page
// (an optional dictionary page, then data pages v1 or v2), nulls placed by the definition
// levels.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "parquet_pages.hpp"
#include "parquet_thrift.hpp"
#include "stx/core/error.hpp"
#include "stx/core/utf8.hpp"
#include "stx/io/parquet/parquet.hpp"

namespace stx {

using namespace parquet;

int64_t ParquetColumn::null_count() const {
  return static_cast<int64_t>(std::count(valid.begin(), valid.end(), uint8_t{0}));
}

bool ParquetTable::has_column(const std::string& name) const {
  return std::any_of(columns.begin(), columns.end(), [&](const ParquetColumn& c) { return c.name == name; });
}

namespace {

// The error for a column that is not there, naming those that are.
template <typename Named>
FormatError no_such_column(const std::string& path, const std::string& name, const std::vector<Named>& columns) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  return FormatError(fmt::format("{}: no column '{}' (columns: {})", path, name, names));
}

}  // namespace

const ParquetColumn& ParquetTable::column(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return c;
  throw no_such_column(path, name, columns);
}

namespace {

ParquetType public_type(int32_t type) {
  switch (type) {
    case kBoolean: return ParquetType::Boolean;
    case kInt32: return ParquetType::Int32;
    case kInt64: return ParquetType::Int64;
    case kFloat: return ParquetType::Float;
    case kDouble: return ParquetType::Double;
    default: return ParquetType::ByteArray;
  }
}

// The leaf columns of a flat schema: the root group, then one element per column.
struct Leaf {
  std::string name;
  int32_t type;
  bool optional;
};

std::vector<Leaf> flat_columns(const FileMeta& meta, const std::string& path) {
  STX_CHECK(!meta.schema.empty(), FormatError, "{}: the Parquet footer has no schema", path);
  const SchemaElement& root = meta.schema[0];
  STX_CHECK(root.num_children == static_cast<int32_t>(meta.schema.size()) - 1, FormatError,
            "{}: nested Parquet columns are not supported (the root has {} children for {} schema elements)", path,
            root.num_children, meta.schema.size() - 1);
  std::vector<Leaf> leaves;
  for (size_t i = 1; i < meta.schema.size(); ++i) {
    const SchemaElement& e = meta.schema[i];
    STX_CHECK(e.num_children == 0 && e.type >= 0, FormatError, "{}: column '{}' is a group; nested Parquet columns "
              "are not supported", path, e.name);
    STX_CHECK(e.repetition == kRequired || e.repetition == kOptional, FormatError,
              "{}: column '{}' is repeated (a list); only flat columns are supported", path, e.name);
    STX_CHECK(!first_invalid_utf8(e.name), FormatError, "{}: schema element {}: its name is not UTF-8", path, i);
    leaves.push_back({e.name, e.type, e.repetition == kOptional});
  }
  return leaves;
}

// Values of one column chunk appended to `column`.
class ChunkReader {
 public:
  ChunkReader(const std::string& file, const Leaf& leaf, ParquetColumn& column)
      : leaf_(leaf), column_(column), what_(fmt::format("{}: column '{}'", file, leaf.name)) {}

  void read(const std::string& bytes, const ColumnMeta& meta, int64_t rows) {
    STX_CHECK(!meta.external && meta.type != -2, FormatError, "{}: the chunk {} (not supported)", what_,
              meta.external ? "lives in another file" : "has no metadata");
    STX_CHECK(meta.type == leaf_.type, FormatError, "{}: the chunk's type {} differs from the schema's {}", what_,
              meta.type, leaf_.type);
    STX_CHECK(meta.num_values == rows, FormatError, "{}: {} values in a row group of {} rows", what_,
              meta.num_values, rows);
    const int64_t start = meta.dictionary_page_offset > 0 && meta.dictionary_page_offset < meta.data_page_offset
                              ? meta.dictionary_page_offset
                              : meta.data_page_offset;
    const auto file_size = static_cast<int64_t>(bytes.size());
    STX_CHECK(start >= 4 && meta.total_compressed_size > 0 && start <= file_size &&
                  meta.total_compressed_size <= file_size - start,
              FormatError, "{}: a chunk of {} bytes at offset {} in a file of {} bytes", what_,
              meta.total_compressed_size, start, file_size);
    Bytes chunk{reinterpret_cast<const uint8_t*>(bytes.data()) + start, static_cast<size_t>(meta.total_compressed_size)};
    int64_t done = 0;
    while (done < rows) {
      STX_CHECK(chunk.size > 0, FormatError, "{}: the chunk ends after {} of {} values", what_, done, rows);
      size_t header_size = 0;
      const PageHeader page = decode_page_header(chunk.data, chunk.size, header_size, what_);
      chunk.take(header_size, "a page header", what_);
      STX_CHECK(page.compressed_size >= 0 && page.uncompressed_size >= 0, FormatError,
                "{}: a page of negative size", what_);
      const Bytes body = chunk.take(static_cast<size_t>(page.compressed_size), "a page", what_);
      if (page.type == kDictionaryPage) {
        read_dictionary(page, body, meta.codec);
      } else if (page.type == kDataPage || page.type == kDataPageV2) {
        STX_CHECK(page.num_values >= 0 && page.num_values <= rows - done, FormatError,
                  "{}: a page of {} values with {} of the row group's {} left", what_, page.num_values, rows - done,
                  rows);
        STX_CHECK(page.num_values <= kMaxPageValues, FormatError,
                  "{}: a page of {} values (stx reads at most {} a page)", what_, page.num_values, kMaxPageValues);
        if (page.type == kDataPage) read_data_page_v1(page, body, meta.codec);
        else read_data_page_v2(page, body, meta.codec);
        done += page.num_values;
      }  // index pages carry no values
    }
  }

 private:
  void read_dictionary(const PageHeader& page, Bytes body, int32_t codec) {
    STX_CHECK(page.encoding == kPlain || page.encoding == kPlainDictionary, FormatError,
              "{}: a dictionary page in encoding {} (expected PLAIN)", what_, page.encoding);
    STX_CHECK(page.num_values >= 0 && page.num_values <= kMaxPageValues, FormatError,
              "{}: a dictionary of {} values (0 to {} expected)", what_, page.num_values, kMaxPageValues);
    const auto plain = decompress(codec, body.data, body.size, page.uncompressed_size, what_);
    dictionary_ = decode_plain({plain.data(), plain.size()}, leaf_.type, page.num_values, what_);
    has_dictionary_ = true;
  }

  void read_data_page_v1(const PageHeader& page, Bytes body, int32_t codec) {
    const auto data = decompress(codec, body.data, body.size, page.uncompressed_size, what_);
    Bytes in{data.data(), data.size()};
    std::vector<uint32_t> defined;
    if (leaf_.optional) {
      STX_CHECK(page.definition_level_encoding == kRle, FormatError,
                "{}: definition levels in encoding {} (only RLE is supported)", what_, page.definition_level_encoding);
      const uint32_t length = in.u32le("the definition levels' length", what_);
      defined = decode_hybrid(in.take(length, "the definition levels", what_), 1, page.num_values, what_);
    }
    place(page, in, defined);
  }

  void read_data_page_v2(const PageHeader& page, Bytes body, int32_t codec) {
    STX_CHECK(page.repetition_levels_length == 0, FormatError, "{}: repetition levels in a flat column", what_);
    STX_CHECK(page.definition_levels_length >= 0, FormatError, "{}: definition levels of negative length", what_);
    const Bytes levels = body.take(static_cast<size_t>(page.definition_levels_length), "the definition levels", what_);
    std::vector<uint32_t> defined;
    if (leaf_.optional) defined = decode_hybrid(levels, 1, page.num_values, what_);
    const int64_t values_size = static_cast<int64_t>(page.uncompressed_size) - page.definition_levels_length;
    const auto data = decompress(page.is_compressed ? codec : kUncompressed, body.data, body.size, values_size, what_);
    Bytes in{data.data(), data.size()};
    place(page, in, defined);
  }

  // The page's non-null values (PLAIN or dictionary indices), spread over its rows.
  void place(const PageHeader& page, Bytes in, const std::vector<uint32_t>& defined) {
    const int64_t n = page.num_values;
    const int64_t present = leaf_.optional ? std::count(defined.begin(), defined.end(), 1u) : n;
    PlainValues values;
    if (page.encoding == kPlain) {
      values = decode_plain(in, leaf_.type, present, what_);
    } else if (page.encoding == kPlainDictionary || page.encoding == kRleDictionary) {
      STX_CHECK(has_dictionary_, FormatError, "{}: dictionary-encoded values without a dictionary page", what_);
      const int width = *in.take(1, "the index bit width", what_).data;
      const auto indices = decode_hybrid(in, width, present, what_);
      for (uint32_t index : indices) {
        STX_CHECK(index < dictionary_.size(), FormatError, "{}: dictionary index {} of {} entries", what_, index,
                  dictionary_.size());
        if (!dictionary_.ints.empty()) values.ints.push_back(dictionary_.ints[index]);
        else if (!dictionary_.reals.empty()) values.reals.push_back(dictionary_.reals[index]);
        else values.strings.push_back(dictionary_.strings[index]);
      }
    } else if (page.encoding == kRle && leaf_.type == kBoolean) {
      const uint32_t length = in.u32le("the RLE booleans' length", what_);
      for (uint32_t b : decode_hybrid(in.take(length, "the RLE booleans", what_), 1, present, what_))
        values.ints.push_back(b);
    } else {
      throw FormatError(fmt::format("{}: encoding {} is not supported (PLAIN, RLE_DICTIONARY, PLAIN_DICTIONARY, and "
                                    "RLE for booleans are; 5-7 are the DELTA encodings, 9 BYTE_STREAM_SPLIT)",
                                    what_, page.encoding));
    }
    size_t next = 0;
    for (int64_t i = 0; i < n; ++i) {
      const bool valid = !leaf_.optional || defined[static_cast<size_t>(i)] == 1;
      column_.valid.push_back(valid ? 1 : 0);
      switch (column_.type) {
        case ParquetType::Boolean:
        case ParquetType::Int32:
        case ParquetType::Int64: column_.ints.push_back(valid ? values.ints[next] : 0); break;
        case ParquetType::Float:
        case ParquetType::Double:
          column_.reals.push_back(valid ? values.reals[next] : std::numeric_limits<double>::quiet_NaN());
          break;
        case ParquetType::ByteArray: column_.strings.push_back(valid ? std::move(values.strings[next]) : ""); break;
      }
      if (valid) ++next;
    }
  }

  const Leaf& leaf_;
  ParquetColumn& column_;
  std::string what_;
  PlainValues dictionary_;
  bool has_dictionary_ = false;
};

}  // namespace

ParquetTable read_parquet_bytes(const std::string& bytes, const std::string& name,
                                const std::vector<std::string>& wanted) {
  STX_CHECK(bytes.size() >= 12 && bytes.compare(0, 4, "PAR1") == 0 && bytes.compare(bytes.size() - 4, 4, "PAR1") == 0,
            FormatError, "{}: not a Parquet file (no PAR1 at its start and end)", name);
  const auto* end = reinterpret_cast<const uint8_t*>(bytes.data()) + bytes.size();
  const uint32_t footer = static_cast<uint32_t>(end[-8]) | static_cast<uint32_t>(end[-7]) << 8 |
                          static_cast<uint32_t>(end[-6]) << 16 | static_cast<uint32_t>(end[-5]) << 24;
  STX_CHECK(footer <= bytes.size() - 12, FormatError, "{}: a footer of {} bytes in a file of {}", name, footer,
            bytes.size());
  const FileMeta meta = decode_file_meta(end - 8 - footer, footer, name);
  STX_CHECK(meta.num_rows >= 0 && meta.num_rows <= kMaxFileRows, FormatError,
            "{}: the footer declares {} rows (0 to {} expected)", name, meta.num_rows, kMaxFileRows);
  const std::vector<Leaf> leaves = flat_columns(meta, name);

  ParquetTable table;
  table.path = name;
  std::vector<size_t> chosen;
  if (wanted.empty()) {
    for (size_t i = 0; i < leaves.size(); ++i) chosen.push_back(i);
  } else {
    for (const auto& w : wanted) {
      const auto it = std::find_if(leaves.begin(), leaves.end(), [&](const Leaf& l) { return l.name == w; });
      if (it == leaves.end()) throw no_such_column(name, w, leaves);
      chosen.push_back(static_cast<size_t>(it - leaves.begin()));
    }
  }
  for (size_t i : chosen) {
    ParquetColumn column;
    column.name = leaves[i].name;
    column.type = public_type(leaves[i].type);
    table.columns.push_back(std::move(column));
  }
  for (const RowGroup& group : meta.row_groups) {
    STX_CHECK(group.columns.size() == leaves.size(), FormatError, "{}: a row group of {} column chunks for {} columns",
              name, group.columns.size(), leaves.size());
    // each chunk names its column (path_in_schema): a chunk that names another is damage
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (group.columns[i].path == std::vector<std::string>{leaves[i].name}) continue;
      const std::string named = fmt::format("{}", fmt::join(group.columns[i].path, "."));
      throw FormatError(fmt::format("{}: column chunk {} of a row group is for {}, but the schema's column {} is '{}'",
                                    name, i, first_invalid_utf8(named) ? "a name that is not UTF-8" : "'" + named + "'",
                                    i, leaves[i].name));
    }
    STX_CHECK(group.num_rows >= 0 && group.num_rows <= meta.num_rows - table.rows, FormatError,
              "{}: row groups hold more rows than the file's {}", name, meta.num_rows);
    for (size_t k = 0; k < chosen.size(); ++k)
      ChunkReader(name, leaves[chosen[k]], table.columns[k]).read(bytes, group.columns[chosen[k]], group.num_rows);
    table.rows += group.num_rows;
  }
  STX_CHECK(table.rows == meta.num_rows, FormatError, "{}: row groups hold {} rows, the footer says {}", name,
            table.rows, meta.num_rows);
  return table;
}

ParquetTable read_parquet(const std::string& path, const std::vector<std::string>& columns) {
  std::ifstream in(path, std::ios::binary);
  STX_CHECK(in.good(), IoError, "{}: cannot open", path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return read_parquet_bytes(bytes.str(), path, columns);
}

}  // namespace stx
