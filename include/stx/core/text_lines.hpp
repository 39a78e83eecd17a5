// The one reader of text tables: line by line, plain or gzip-compressed (zlib reads both) or
// from a string, with the line number kept for error messages, and number parsing that
// reports the exact cell. Not a general CSV parser: no quoting, which none of the tables we
// read (ST counts, spot selections, Space Ranger positions, MatrixMarket, 10x tsv, GMT, the
// run folder's TSVs) use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct gzFile_s;

namespace stx {

class TextLines {
 public:
  /// Throws IoError if the file cannot be opened.
  explicit TextLines(std::string path);
  /// The lines of `text`, named `source` in errors (e.g. a compiled-in file).
  static TextLines of_text(std::string text, std::string source);
  ~TextLines();
  TextLines(const TextLines&) = delete;
  TextLines& operator=(const TextLines&) = delete;
  TextLines(TextLines&& other) noexcept;

  /// Reads the next line without its "\n" or "\r\n". False at a clean end of file;
  /// throws FormatError on a truncated or corrupt gzip stream.
  bool next(std::string& line);

  const std::string& path() const { return path_; }
  int64_t line_number() const { return line_number_; }

 private:
  std::string path_;
  TextLines() = default;
  bool next_in_text(std::string& line);

  gzFile_s* file_ = nullptr;  // null when reading `text_`
  std::string text_;
  size_t text_position_ = 0;
  int64_t line_number_ = 0;
  std::vector<char> buffer_;
};

/// Splits on a single-character delimiter; views point into `line`.
std::vector<std::string_view> split_fields(std::string_view line, char delimiter);

/// Whether `text` ends with `suffix` (std::string::ends_with arrives with C++20).
inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Strict number parsing: the whole cell must be a number, else FormatError naming the file,
/// line and column. parse_count also rejects negative and non-finite values.
double parse_double(std::string_view cell, const TextLines& where, std::string_view column);
int64_t parse_int(std::string_view cell, const TextLines& where, std::string_view column);
float parse_count(std::string_view cell, const TextLines& where, std::string_view column);

/// Case-sensitive lookup of an optional header column.
std::optional<size_t> find_column(const std::vector<std::string_view>& header,
                                  std::string_view name);

/// Case-sensitive lookup of a header column; FormatError lists the columns found.
size_t require_column(const std::vector<std::string_view>& header, std::string_view name,
                      const TextLines& where);

}  // namespace stx
