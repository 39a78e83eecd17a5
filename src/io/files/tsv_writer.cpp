#include "stx/io/files/tsv_writer.hpp"

#include <fmt/format.h>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"

namespace stx {

TsvWriter::TsvWriter(std::string path, const std::vector<std::string>& columns)
    : path_(std::move(path)), file_(path_), out_(file_.temp_path(), std::ios::binary), columns_(columns.size()) {
  STX_CHECK(out_, IoError, "{}: cannot write", path_);
  for (const auto& column : columns) text(column);
  end_row();
  rows_ = 0;  // the header is not a row
}

void TsvWriter::separate() {
  if (cells_ > 0) out_ << '\t';
  ++cells_;
}

TsvWriter& TsvWriter::text(std::string_view cell) {
  separate();
  out_ << cell;
  return *this;
}

TsvWriter& TsvWriter::number(double value, int significant) { return text(tsv_general(value, significant)); }

TsvWriter& TsvWriter::fixed(double value, int decimals) { return text(tsv_fixed(value, decimals)); }

TsvWriter& TsvWriter::integer(int64_t value) { return text(std::to_string(value)); }

void TsvWriter::end_row() {
  STX_CHECK(cells_ == columns_, ShapeError, "{}: a row of {} cells under {} columns", path_, cells_, columns_);
  out_ << '\n';
  cells_ = 0;
  ++rows_;
}

void TsvWriter::commit() {
  STX_CHECK(cells_ == 0, ShapeError, "{}: the last row was not ended", path_);
  out_.close();
  STX_CHECK(!out_.fail(), IoError, "{}: write failed after {} rows (disk full?)", path_, rows_);
  file_.commit();
}

}  // namespace stx
