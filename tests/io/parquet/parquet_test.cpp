// The Parquet reader: the RLE / bit-packed hybrid on the format's own examples, the typed
// table API on the real Xenium tables (values as hyparquet reads them; the whole files are
// compared with hyparquet in tests/cli/parquet_test.py), and clear errors.
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cmath>
#include <memory>

#include "parquet/parquet_pages.hpp"
#include "stx/io/parquet/parquet.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

TEST(Parquet, HybridDecodesBitPackedAndRunsAsTheFormatDescribes) {
  // The format's bit-packing example: 0..7 at 3 bits are the bytes 10001000 11000110 11111010,
  // behind the header (1 group << 1) | 1 = 3.
  const std::vector<uint8_t> packed{0x03, 0x88, 0xC6, 0xFA};
  EXPECT_EQ(parquet::decode_hybrid({packed.data(), packed.size()}, 3, 8, "t"),
            (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  // A run: header 5 << 1 = 10, then the value 300 in two little-endian bytes (9 bits wide);
  // then 3 bit-packed values of a group of 8 at 1 bit: only the first 3 are taken.
  const std::vector<uint8_t> mixed{10, 0x2C, 0x01, 0x03, 0b00000101};
  EXPECT_EQ(parquet::decode_hybrid({mixed.data(), 3}, 9, 5, "t"), (std::vector<uint32_t>(5, 300)));
  const std::vector<uint8_t> bits{0x03, 0b00000101};
  EXPECT_EQ(parquet::decode_hybrid({bits.data(), bits.size()}, 1, 3, "t"), (std::vector<uint32_t>{1, 0, 1}));
  // Short data and empty runs are errors, not reads past the end or endless loops.
  EXPECT_STX_ERROR(parquet::decode_hybrid({packed.data(), 2}, 3, 8, "t"), FormatError, "bit-packed values");
  const std::vector<uint8_t> empty_run{0x00};
  EXPECT_STX_ERROR(parquet::decode_hybrid({empty_run.data(), 1}, 3, 8, "t"), FormatError, "an empty run");
  EXPECT_STX_ERROR(parquet::decode_hybrid({mixed.data(), 3}, 9, 6, "t"), FormatError, "a run header");
  EXPECT_EQ(parquet::bit_width_of(0), 0);
  EXPECT_EQ(parquet::bit_width_of(1), 1);
  EXPECT_EQ(parquet::bit_width_of(255), 8);
  EXPECT_EQ(parquet::bit_width_of(256), 9);
}

TEST(ParquetOnSharedData, ReadsXeniumCellsWithTheirTypesAndNulls) {
  const auto cells = read_parquet(test::shared_data("xenium_multiqc/sample1/cells.parquet"));
  ASSERT_EQ(cells.rows, 10000);
  ASSERT_EQ(cells.columns.size(), 14u);
  const auto& id = cells.column("cell_id");
  EXPECT_EQ(id.type, ParquetType::ByteArray);
  EXPECT_EQ(id.strings.front(), "lnbjnnhh-1");
  EXPECT_EQ(id.strings.back(), "jnjagfcc-1");
  EXPECT_EQ(cells.column("x_centroid").type, ParquetType::Double);
  EXPECT_EQ(cells.column("x_centroid").reals.front(), 2566.265869140625);
  EXPECT_EQ(cells.column("y_centroid").reals.back(), 6952.70068359375);
  EXPECT_EQ(cells.column("transcript_counts").type, ParquetType::Int64);
  EXPECT_EQ(cells.column("transcript_counts").ints.front(), 331);  // dictionary-encoded
  EXPECT_EQ(cells.column("transcript_counts").ints.back(), 97);
  EXPECT_EQ(cells.column("segmentation_method").strings.front(), "Segmented by interior stain (18S)");
  EXPECT_EQ(cells.column("cell_area").null_count(), 0);
  // Sample 2 has cells without a nucleus: null nucleus areas, NaN in the values.
  const auto second = read_parquet(test::shared_data("xenium_multiqc/sample2/cells.parquet"), {"nucleus_area"});
  ASSERT_EQ(second.columns.size(), 1u);
  const auto& nucleus = second.column("nucleus_area");
  EXPECT_EQ(nucleus.null_count(), 424);
  EXPECT_EQ(nucleus.valid[55], 0);
  EXPECT_TRUE(std::isnan(nucleus.reals[55]));
  EXPECT_EQ(nucleus.valid[0], 1);
  EXPECT_STX_ERROR(read_parquet(test::shared_data("xenium_multiqc/sample1/cells.parquet"), {"x_location"}),
                   FormatError, "no column 'x_location' (columns: cell_id, x_centroid");
  EXPECT_STX_ERROR(second.column("cell_id"), FormatError, "no column 'cell_id' (columns: nucleus_area)");
}

// A one-column file (INT32, required, PLAIN, uncompressed) written with libthrift's compact
// protocol field by field as parquet.thrift numbers them: one row group, one data page v1
// whose header may claim more values than it holds, under a footer of `footer_rows` rows.
std::string int32_file(const std::vector<int32_t>& values, int32_t page_values, int64_t footer_rows) {
  using namespace apache::thrift::protocol;
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
  TCompactProtocolT<apache::thrift::transport::TMemoryBuffer> out(buffer);
  const auto i32 = [&](int16_t id, int32_t v) { out.writeFieldBegin("", T_I32, id); out.writeI32(v); };
  const auto i64 = [&](int16_t id, int64_t v) { out.writeFieldBegin("", T_I64, id); out.writeI64(v); };
  const auto begin = [&](int16_t id) { out.writeFieldBegin("", T_STRUCT, id); out.writeStructBegin(""); };
  const auto end = [&] { out.writeFieldStop(); out.writeStructEnd(); };
  const auto take = [&] { std::string s = buffer->getBufferAsString(); buffer->resetBuffer(); return s; };
  const int32_t body_size = static_cast<int32_t>(4 * values.size());
  out.writeStructBegin("PageHeader");
  i32(1, 0);  // DATA_PAGE
  i32(2, body_size);
  i32(3, body_size);
  begin(5);
  i32(1, page_values);
  i32(2, 0);  // PLAIN
  i32(3, 3);  // RLE levels
  i32(4, 3);
  end();
  out.writeFieldStop();
  out.writeStructEnd();
  std::string page = take();
  page.append(reinterpret_cast<const char*>(values.data()), static_cast<size_t>(body_size));
  out.writeStructBegin("FileMetaData");
  i32(1, 1);
  out.writeFieldBegin("", T_LIST, 2);
  out.writeListBegin(T_STRUCT, 2);
  out.writeStructBegin("");
  out.writeFieldBegin("", T_STRING, 4);
  out.writeString("schema");
  i32(5, 1);
  end();
  out.writeStructBegin("");
  i32(1, 1);  // INT32
  i32(3, 0);  // REQUIRED
  out.writeFieldBegin("", T_STRING, 4);
  out.writeString("v");
  end();
  i64(3, footer_rows);
  out.writeFieldBegin("", T_LIST, 4);
  out.writeListBegin(T_STRUCT, 1);
  out.writeStructBegin("");
  out.writeFieldBegin("", T_LIST, 1);
  out.writeListBegin(T_STRUCT, 1);
  out.writeStructBegin("");
  i64(2, 4);
  begin(3);
  i32(1, 1);
  out.writeFieldBegin("", T_LIST, 3);  // path_in_schema: the column's name
  out.writeListBegin(T_STRING, 1);
  out.writeString("v");
  i32(4, 0);  // UNCOMPRESSED
  i64(5, footer_rows);
  i64(6, static_cast<int64_t>(page.size()));
  i64(7, static_cast<int64_t>(page.size()));
  i64(9, 4);
  end();
  end();
  i64(2, static_cast<int64_t>(page.size()));
  i64(3, footer_rows);
  end();
  out.writeFieldStop();
  out.writeStructEnd();
  const std::string footer = take();
  const auto length = static_cast<uint32_t>(footer.size());
  std::string file = "PAR1" + page + footer;
  for (int b = 0; b < 4; ++b) file += static_cast<char>((length >> (8 * b)) & 0xff);
  return file + "PAR1";
}

TEST(Parquet, PageAndRowCountsAreCappedBeforeAnythingIsSized) {
  const ParquetTable table = read_parquet_bytes(int32_file({7, -1, 9}, 3, 3), "small.parquet");
  ASSERT_EQ(table.rows, 3);
  EXPECT_EQ(table.column("v").ints, (std::vector<int64_t>{7, -1, 9}));
  // A page that claims 2^26 + 1 values holds three; the cap refuses it before decoding.
  const int32_t too_many = (1 << 26) + 1;
  EXPECT_STX_ERROR(read_parquet_bytes(int32_file({7, -1, 9}, too_many, too_many), "page.parquet"), FormatError,
                   "page.parquet: column 'v': a page of 67108865 values (stx reads at most 67108864 a page)");
  EXPECT_STX_ERROR(read_parquet_bytes(int32_file({7, -1, 9}, 3, (int64_t{1} << 31) + 1), "rows.parquet"),
                   FormatError, "rows.parquet: the footer declares 2147483649 rows (0 to 2147483648 expected)");
  EXPECT_STX_ERROR(read_parquet_bytes(int32_file({7, -1, 9}, 3, -1), "negative.parquet"), FormatError,
                   "negative.parquet: the footer declares -1 rows");
}

TEST(Parquet, BadFilesAreOneLineErrors) {
  EXPECT_STX_ERROR(read_parquet("/nonexistent/cells.parquet"), IoError, "cannot open");
  EXPECT_STX_ERROR(read_parquet_bytes("", "empty.parquet"), FormatError, "empty.parquet: not a Parquet file");
  EXPECT_STX_ERROR(read_parquet_bytes(std::string("PAR1") + std::string(8, '\xff') + "PAR1", "big.parquet"),
                   FormatError, "big.parquet: a footer of 4294967295 bytes in a file of 16");
  EXPECT_STX_ERROR(read_parquet_bytes(std::string("PAR1") + std::string(4, '\xee') + std::string("\x04\0\0\0", 4) +
                                          "PAR1",
                                      "noise.parquet"),
                   FormatError, "noise.parquet: damaged Parquet footer");
}

}  // namespace
}  // namespace stx
