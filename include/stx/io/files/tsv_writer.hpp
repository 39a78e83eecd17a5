// The one TSV writer: a header, then rows whose width is checked, numbers in the run folder's
// spelling (stx/core/run_folder.hpp: NaN for a missing one), written through an AtomicFile so
// that a failed or interrupted write never leaves a file under the final name.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "stx/io/files/atomic_file.hpp"

namespace stx {

class TsvWriter {
 public:
  /// Writes the header line. IoError if the folder does not exist or is not writable.
  TsvWriter(std::string path, const std::vector<std::string>& columns);

  TsvWriter& text(std::string_view cell);
  TsvWriter& number(double value, int significant = 6);  // "{:.Ng}"
  TsvWriter& fixed(double value, int decimals);          // "{:.Nf}"
  TsvWriter& integer(int64_t value);
  /// Ends the row; ShapeError when it does not have one cell per column.
  void end_row();
  /// Flushes, checks that every byte was written (IoError: disk full?) and moves the file into
  /// place. Without it the file is never there.
  void commit();

  int64_t rows() const { return rows_; }

 private:
  void separate();

  std::string path_;
  AtomicFile file_;
  std::ofstream out_;
  size_t columns_ = 0, cells_ = 0;
  int64_t rows_ = 0;
};

}  // namespace stx
