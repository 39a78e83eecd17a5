#include "parquet_thrift.hpp"

#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <functional>
#include <limits>
#include <memory>

#include <thrift/protocol/TProtocolException.h>

#include "stx/core/error.hpp"

namespace stx::parquet {
namespace {

using apache::thrift::TException;
using apache::thrift::protocol::TType;
using Transport = apache::thrift::transport::TMemoryBuffer;
using Protocol = apache::thrift::protocol::TCompactProtocolT<Transport>;

void expect_struct(TType type) {
  if (type != apache::thrift::protocol::T_STRUCT)
    throw apache::thrift::protocol::TProtocolException(apache::thrift::protocol::TProtocolException::INVALID_DATA,
                                                       "a field that holds a struct has another type");
}

// Limits on one string and one list (or set or map): libthrift checks a container's size
// against the bytes left by multiplying in int32, which overflows on a hostile size (found by
// fuzz_parquet); under these limits it cannot.
constexpr int32_t kStringLimit = 1 << 28;
constexpr int32_t kContainerLimit = 1 << 24;

// A protocol over bytes it does not own, with the names that errors need.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const std::string& what, const char* structure)
      : transport_(std::make_shared<Transport>(const_cast<uint8_t*>(data),  // read-only: OBSERVE
                                               static_cast<uint32_t>(size), Transport::OBSERVE)),
        protocol_(transport_, kStringLimit, kContainerLimit), what_(what), structure_(structure) {}

  // Calls `field(id, type)` for each field of a struct; unclaimed fields are skipped.
  void read_struct(const std::function<bool(int16_t, TType)>& field) {
    std::string name;
    protocol_.readStructBegin(name);
    for (;;) {
      TType type;
      int16_t id;
      protocol_.readFieldBegin(name, type, id);
      if (type == apache::thrift::protocol::T_STOP) break;
      if (!field(id, type)) protocol_.skip(type);
      protocol_.readFieldEnd();
    }
    protocol_.readStructEnd();
  }

  int32_t i32(TType type, const char* field) {
    expect(type, apache::thrift::protocol::T_I32, field);
    int32_t v;
    protocol_.readI32(v);
    return v;
  }
  int64_t i64(TType type, const char* field) {
    expect(type, apache::thrift::protocol::T_I64, field);
    int64_t v;
    protocol_.readI64(v);
    return v;
  }
  bool boolean(TType type, const char* field) {
    expect(type, apache::thrift::protocol::T_BOOL, field);
    bool v;
    protocol_.readBool(v);
    return v;
  }
  std::string string(TType type, const char* field) {
    expect(type, apache::thrift::protocol::T_STRING, field);
    std::string v;
    protocol_.readString(v);
    return v;
  }
  // A list of `element` values, each read by `item`.
  void list(TType type, TType element, const char* field, const std::function<void()>& item) {
    expect(type, apache::thrift::protocol::T_LIST, field);
    TType got;
    uint32_t n;
    protocol_.readListBegin(got, n);
    STX_CHECK(got == element || n == 0, FormatError, "{}: Parquet {}.{} holds Thrift type {}, expected {}", what_,
              structure_, field, static_cast<int>(got), static_cast<int>(element));
    for (uint32_t i = 0; i < n; ++i) item();
    protocol_.readListEnd();
  }
  Protocol& protocol() { return protocol_; }
  size_t consumed(size_t size) const { return size - transport_->available_read(); }
  void set_structure(const char* structure) { structure_ = structure; }

 private:
  void expect(TType got, TType want, const char* field) const {
    STX_CHECK(got == want, FormatError, "{}: Parquet {}.{} has Thrift type {}, expected {}", what_, structure_, field,
              static_cast<int>(got), static_cast<int>(want));
  }

  std::shared_ptr<Transport> transport_;
  Protocol protocol_;
  const std::string& what_;
  const char* structure_;
};

SchemaElement read_schema_element(Reader& r) {
  SchemaElement e;
  r.set_structure("SchemaElement");
  r.read_struct([&](int16_t id, TType type) {
    switch (id) {
      case 1: e.type = r.i32(type, "type"); return true;
      case 3: e.repetition = r.i32(type, "repetition_type"); return true;
      case 4: e.name = r.string(type, "name"); return true;
      case 5: e.num_children = r.i32(type, "num_children"); return true;
      default: return false;
    }
  });
  return e;
}

ColumnMeta read_column_meta(Reader& r) {
  ColumnMeta m;
  r.set_structure("ColumnMetaData");
  r.read_struct([&](int16_t id, TType type) {
    switch (id) {
      case 1: m.type = r.i32(type, "type"); return true;
      case 3:
        r.list(type, apache::thrift::protocol::T_STRING, "path_in_schema",
               [&] { m.path.push_back(r.string(apache::thrift::protocol::T_STRING, "path_in_schema")); });
        return true;
      case 4: m.codec = r.i32(type, "codec"); return true;
      case 5: m.num_values = r.i64(type, "num_values"); return true;
      case 7: m.total_compressed_size = r.i64(type, "total_compressed_size"); return true;
      case 9: m.data_page_offset = r.i64(type, "data_page_offset"); return true;
      case 11: m.dictionary_page_offset = r.i64(type, "dictionary_page_offset"); return true;
      default: return false;
    }
  });
  return m;
}

ColumnMeta read_column_chunk(Reader& r) {
  ColumnMeta m;
  bool external = false, has_meta = false;
  r.set_structure("ColumnChunk");
  r.read_struct([&](int16_t id, TType type) {
    if (id == 1) {
      r.string(type, "file_path");
      external = true;
      return true;
    }
    if (id == 3) {
      expect_struct(type);
      m = read_column_meta(r);
      r.set_structure("ColumnChunk");
      has_meta = true;
      return true;
    }
    return false;
  });
  m.external = external;
  if (!has_meta) m.type = -2;  // no metadata: refused by the reader
  return m;
}

RowGroup read_row_group(Reader& r) {
  RowGroup g;
  r.set_structure("RowGroup");
  r.read_struct([&](int16_t id, TType type) {
    if (id == 1) {
      r.list(type, apache::thrift::protocol::T_STRUCT, "columns", [&] {
        g.columns.push_back(read_column_chunk(r));
        r.set_structure("RowGroup");
      });
      return true;
    }
    if (id == 3) {
      g.num_rows = r.i64(type, "num_rows");
      return true;
    }
    return false;
  });
  return g;
}

}  // namespace

FileMeta decode_file_meta(const uint8_t* data, size_t size, const std::string& what) {
  try {
    Reader r(data, size, what, "FileMetaData");
    FileMeta meta;
    r.read_struct([&](int16_t id, TType type) {
      switch (id) {
        case 2:
          r.list(type, apache::thrift::protocol::T_STRUCT, "schema", [&] {
            meta.schema.push_back(read_schema_element(r));
            r.set_structure("FileMetaData");
          });
          return true;
        case 3: meta.num_rows = r.i64(type, "num_rows"); return true;
        case 4:
          r.list(type, apache::thrift::protocol::T_STRUCT, "row_groups", [&] {
            meta.row_groups.push_back(read_row_group(r));
            r.set_structure("FileMetaData");
          });
          return true;
        default: return false;
      }
    });
    return meta;
  } catch (const TException& e) {
    throw FormatError(fmt::format("{}: damaged Parquet footer (Thrift: {})", what, e.what()));
  }
}

namespace {

// The page kinds' own headers, nested in a PageHeader.
void read_data_page(Reader& r, TType type, PageHeader& h) {
  expect_struct(type);
  r.set_structure("DataPageHeader");
  r.read_struct([&](int16_t id, TType t) {
    switch (id) {
      case 1: h.num_values = r.i32(t, "num_values"); return true;
      case 2: h.encoding = r.i32(t, "encoding"); return true;
      case 3: h.definition_level_encoding = r.i32(t, "definition_level_encoding"); return true;
      default: return false;
    }
  });
}

void read_dictionary_page(Reader& r, TType type, PageHeader& h) {
  expect_struct(type);
  r.set_structure("DictionaryPageHeader");
  r.read_struct([&](int16_t id, TType t) {
    switch (id) {
      case 1: h.num_values = r.i32(t, "num_values"); return true;
      case 2: h.encoding = r.i32(t, "encoding"); return true;
      default: return false;
    }
  });
}

void read_data_page_v2(Reader& r, TType type, PageHeader& h) {
  expect_struct(type);
  r.set_structure("DataPageHeaderV2");
  r.read_struct([&](int16_t id, TType t) {
    switch (id) {
      case 1: h.num_values = r.i32(t, "num_values"); return true;
      case 2: h.num_nulls = r.i32(t, "num_nulls"); return true;
      case 3: h.num_rows = r.i32(t, "num_rows"); return true;
      case 4: h.encoding = r.i32(t, "encoding"); return true;
      case 5: h.definition_levels_length = r.i32(t, "definition_levels_byte_length"); return true;
      case 6: h.repetition_levels_length = r.i32(t, "repetition_levels_byte_length"); return true;
      case 7: h.is_compressed = r.boolean(t, "is_compressed"); return true;
      default: return false;
    }
  });
}

}  // namespace

PageHeader decode_page_header(const uint8_t* data, size_t size, size_t& header_size, const std::string& what) {
  try {
    Reader r(data, size, what, "PageHeader");
    PageHeader h;
    r.read_struct([&](int16_t id, TType type) {
      r.set_structure("PageHeader");
      switch (id) {
        case 1: h.type = r.i32(type, "type"); return true;
        case 2: h.uncompressed_size = r.i32(type, "uncompressed_page_size"); return true;
        case 3: h.compressed_size = r.i32(type, "compressed_page_size"); return true;
        case 5: read_data_page(r, type, h); return true;
        case 7: read_dictionary_page(r, type, h); return true;
        case 8: read_data_page_v2(r, type, h); return true;
        default: return false;
      }
    });
    header_size = r.consumed(size);
    return h;
  } catch (const TException& e) {
    throw FormatError(fmt::format("{}: damaged Parquet page header (Thrift: {})", what, e.what()));
  }
}

}  // namespace stx::parquet
