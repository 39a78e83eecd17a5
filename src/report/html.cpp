#include "html.hpp"

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "stx/core/base64.hpp"
#include "stx/core/error.hpp"

namespace stx::html {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string image_figure(const std::string& path, const std::string& caption) {
  cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
  STX_CHECK(!image.empty(), IoError, "{}: cannot read as an image", path);
  // WebP stores at most 16,383 px a side: a larger map (a whole slide at a fine zoom) is shown
  // shrunk to fit, and the file beside the report keeps every pixel.
  constexpr int kWebpMaxSide = 16383;
  if (std::max(image.cols, image.rows) > kWebpMaxSide) {
    const double scale = static_cast<double>(kWebpMaxSide) / std::max(image.cols, image.rows);
    cv::Mat shrunk;
    cv::resize(image, shrunk, cv::Size(std::clamp(static_cast<int>(image.cols * scale), 1, kWebpMaxSide),
                                       std::clamp(static_cast<int>(image.rows * scale), 1, kWebpMaxSide)),
               0, 0, cv::INTER_AREA);
    image = shrunk;
  }
  std::vector<unsigned char> bytes;
  STX_CHECK(cv::imencode(".webp", image, bytes, {cv::IMWRITE_WEBP_QUALITY, 90}), FormatError,
            "{}: cannot encode as WebP", path);
  return fmt::format("<figure><img alt=\"{0}\" width=\"{2}\" height=\"{3}\" "
                     "src=\"data:image/webp;base64,{1}\"><figcaption>{0}</figcaption></figure>\n",
                     escape(caption), stx::base64(std::string(bytes.begin(), bytes.end())), image.cols,
                     image.rows);
}

std::string render(const Table& table, const std::string& css_class) {
  std::string out = css_class.empty() ? "<table>" : "<table class=\"" + css_class + "\">";
  const bool has_header = std::any_of(table.header.begin(), table.header.end(),
                                      [](const std::string& h) { return !h.empty(); });
  if (has_header) {
    out += "<thead><tr>";
    for (size_t c = 0; c < table.header.size(); ++c)
      out += fmt::format("<th{}>{}</th>", c < table.numeric.size() && table.numeric[c] ? " class=\"num\"" : "",
                         escape(table.header[c]));
    out += "</tr></thead>";
  }
  out += "<tbody>";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c)
      out += fmt::format("<td{}>{}</td>", c < table.numeric.size() && table.numeric[c] ? " class=\"num\"" : "", row[c]);
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

}  // namespace stx::html
