// Small HTML building blocks for the report: escaping, base64 images, tables.
#pragma once

#include <string>
#include <vector>

namespace stx::html {

std::string escape(const std::string& text);

/// <figure> with the image file embedded and a caption. Re-encoded as WebP (quality 90):
/// H&E backgrounds make PNG maps 4-5x larger for no visible gain. IoError if unreadable.
std::string image_figure(const std::string& path, const std::string& caption);

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // cells already escaped or HTML
  std::vector<bool> numeric;                   // per column: right-aligned
};

std::string render(const Table& table, const std::string& css_class = "");

}  // namespace stx::html
