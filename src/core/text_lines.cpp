// TextLines over zlib's gzFile, which reads gzip and plain files alike.
#include "stx/core/text_lines.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "stx/core/error.hpp"

namespace stx {
namespace {

std::string strip(std::string_view cell) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '"')) cell.remove_prefix(1);
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '"')) cell.remove_suffix(1);
  return std::string(cell);
}

}  // namespace

TextLines::TextLines(std::string path) : path_(std::move(path)), buffer_(1 << 16) {
  file_ = gzopen(path_.c_str(), "rb");
  if (file_ == nullptr) {
    throw IoError(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  }
  gzbuffer(file_, 1 << 17);
}

TextLines TextLines::of_text(std::string text, std::string source) {
  TextLines lines;
  lines.path_ = std::move(source);
  lines.text_ = std::move(text);
  return lines;
}

TextLines::TextLines(TextLines&& other) noexcept
    : path_(std::move(other.path_)), file_(other.file_), text_(std::move(other.text_)),
      text_position_(other.text_position_), line_number_(other.line_number_),
      buffer_(std::move(other.buffer_)) {
  other.file_ = nullptr;
}

TextLines::~TextLines() {
  if (file_ != nullptr) gzclose(file_);
}

bool TextLines::next_in_text(std::string& line) {
  if (text_position_ >= text_.size()) return false;
  const size_t end = std::min(text_.find('\n', text_position_), text_.size());
  line.assign(text_, text_position_, end - text_position_);
  text_position_ = end + 1;
  ++line_number_;
  while (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool TextLines::next(std::string& line) {
  line.clear();
  if (file_ == nullptr) return next_in_text(line);
  for (;;) {
    char* got = gzgets(file_, buffer_.data(), static_cast<int>(buffer_.size()));
    if (got == nullptr) {
      int code = Z_OK;
      const char* message = gzerror(file_, &code);
      if (code != Z_OK && code != Z_STREAM_END) {
        throw FormatError(fmt::format("{}: line {}: corrupt or truncated compressed data ({})",
                                      path_, line_number_ + 1, message));
      }
      if (line.empty()) return false;
      break;  // last line without a trailing newline
    }
    const size_t n = std::strlen(got);
    line.append(got, n);
    if (n > 0 && got[n - 1] == '\n') break;
  }
  ++line_number_;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return true;
}

std::vector<std::string_view> split_fields(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = line.find(delimiter, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

double parse_double(std::string_view cell, const TextLines& where, std::string_view column) {
  const std::string text = strip(cell);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  STX_CHECK(ec == std::errc() && end == text.data() + text.size() && !text.empty(), FormatError,
            "{}: line {}, column '{}': expected a number, found '{}'", where.path(),
            where.line_number(), column, text);
  return value;
}

int64_t parse_int(std::string_view cell, const TextLines& where, std::string_view column) {
  const std::string text = strip(cell);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  STX_CHECK(ec == std::errc() && end == text.data() + text.size() && !text.empty(), FormatError,
            "{}: line {}, column '{}': expected an integer, found '{}'", where.path(),
            where.line_number(), column, text);
  return value;
}

float parse_count(std::string_view cell, const TextLines& where, std::string_view column) {
  const double value = parse_double(cell, where, column);
  STX_CHECK(std::isfinite(value) && value >= 0.0, FormatError,
            "{}: line {}, column '{}': expected a non-negative finite count, found {}",
            where.path(), where.line_number(), column, value);
  return static_cast<float>(value);
}

std::optional<size_t> find_column(const std::vector<std::string_view>& header,
                                  std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (strip(header[i]) == name) return i;
  return std::nullopt;
}

size_t require_column(const std::vector<std::string_view>& header, std::string_view name,
                      const TextLines& where) {
  if (const auto column = find_column(header, name)) return *column;
  std::string found;
  for (const auto& h : header) found += (found.empty() ? "" : ", ") + strip(h);
  throw FormatError(fmt::format("{}: missing column '{}' (found: {})", where.path(), name, found));
}

}  // namespace stx
