// Helpers shared by the tests: where the data is, scratch folders, error assertions.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <vector>
#include <random>
#include <string>

#include "stx/core/error.hpp"
#include "stx/io/slide/slide.hpp"
#include "test_paths.hpp"

namespace stx::test {

/// One row of a hand-written CSR matrix: its non-zero columns and their values.
struct CsrRow {
  std::vector<int32_t> cols;
  std::vector<float> values;
};

/// A CSR matrix of `n_cols` columns, written row by row.
inline CsrMatrix csr_rows(int64_t n_cols, const std::vector<CsrRow>& rows) {
  CsrMatrix m;
  m.n_cols = n_cols;
  for (const auto& row : rows) m.append_row(row.cols, row.values);
  return m;
}

/// A file under ../shared/data (or $STX_SHARED_DATA_DIR). Only the `data` tier reads it: suites
/// named *OnSharedData, so that the unit tier runs on a clone without ../shared.
inline std::string shared_data(const std::string& relative) {
  const char* overridden = std::getenv("STX_SHARED_DATA_DIR");
  const std::filesystem::path root = overridden ? overridden : kSharedDataDir;
  const std::filesystem::path p = root / relative;
  if (!std::filesystem::exists(p))
    throw std::runtime_error("test data missing: " + p.string() + " (is ../shared beside the repo?)");
  return p.string();
}

inline std::string fixture(const std::string& relative) {
  return (std::filesystem::path(kFixturesDir) / relative).string();
}

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("stx-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Pearson's r written out plainly: an independent reference for the library's statistics.
inline double pearson_by_hand(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

/// Two readings of the same data hold the same spots, genes, counts, positions and scale.
inline void expect_same_slide(const Slide& a, const Slide& b) {
  EXPECT_EQ(a.spot_ids, b.spot_ids);
  EXPECT_EQ(a.gene_symbols, b.gene_symbols);
  EXPECT_EQ(a.gene_ids, b.gene_ids);
  EXPECT_EQ(a.counts.indptr, b.counts.indptr);
  EXPECT_EQ(a.counts.indices, b.counts.indices);
  EXPECT_EQ(a.counts.data, b.counts.data);
  EXPECT_EQ(a.pixel_x, b.pixel_x);
  EXPECT_EQ(a.pixel_y, b.pixel_y);
  EXPECT_EQ(a.array_row, b.array_row);
  EXPECT_EQ(a.array_col, b.array_col);
  EXPECT_EQ(a.in_tissue, b.in_tissue);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_DOUBLE_EQ(a.um_per_px, b.um_per_px);
}

/// Whether one of the reader's notes on the slide says `text`.
inline bool noted(const Slide& slide, const std::string& text) {
  for (const auto& note : slide.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace stx::test

/// Asserts that `statement` throws exactly ErrorType with `substring` in its message.
#define EXPECT_STX_ERROR(statement, ErrorType, substring)                              \
  do {                                                                                 \
    try {                                                                              \
      statement;                                                                       \
      ADD_FAILURE() << "expected " #ErrorType " containing '" << (substring) << "'";  \
    } catch (const ErrorType& e) {                                                     \
      EXPECT_NE(std::string(e.what()).find(substring), std::string::npos)              \
          << "message was: " << e.what();                                              \
    }                                                                                  \
  } while (0)
