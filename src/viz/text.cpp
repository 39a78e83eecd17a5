#include "text.hpp"

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <filesystem>

namespace stx::viz {
namespace {

constexpr std::array<const char*, 2> kFontDirs = {"/usr/share/fonts/truetype/dejavu/",
                                                  "/usr/local/share/fonts/"};

// Loaded once per weight; null when the font is missing (Hershey then).
cv::freetype::FreeType2* font(Weight weight) {
  static cv::Ptr<cv::freetype::FreeType2> fonts[2];
  static bool tried[2] = {false, false};
  const int w = weight == Weight::kBold ? 1 : 0;
  if (!tried[w]) {
    tried[w] = true;
    const char* file = w == 1 ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf";
    for (const char* dir : kFontDirs) {
      const std::string path = std::string(dir) + file;
      if (!std::filesystem::exists(path)) continue;
      fonts[w] = cv::freetype::createFreeType2();
      fonts[w]->loadFontData(path, 0);
      break;
    }
  }
  return fonts[w].get();
}

// Hershey has ASCII only.
std::string ascii(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += text[i];
    } else if (text.compare(i, 2, "\xC2\xB5") == 0) {  // µ
      out += 'u';
      ++i;
    } else if (text.compare(i, 3, "\xE2\x80\xA6") == 0) {  // …
      out += "...";
      i += 2;
    } else if ((c & 0xC0) == 0xC0) {
      out += '?';
    }
  }
  return out;
}

double hershey_scale(int height_px) { return height_px / 30.0; }

}  // namespace

cv::Size text_size(const std::string& text, int height_px, Weight weight) {
  if (auto* f = font(weight)) {
    int baseline = 0;
    return f->getTextSize(text, height_px, -1, &baseline);
  }
  int baseline = 0;
  return cv::getTextSize(ascii(text), cv::FONT_HERSHEY_SIMPLEX, hershey_scale(height_px),
                         weight == Weight::kBold ? 2 : 1, &baseline);
}

void put_text(cv::Mat& image, const std::string& text, cv::Point baseline_left, int height_px,
              const cv::Scalar& colour, Weight weight) {
  if (auto* f = font(weight)) {
    f->putText(image, text, baseline_left, height_px, colour, -1, cv::LINE_AA, true);
    return;
  }
  cv::putText(image, ascii(text), baseline_left, cv::FONT_HERSHEY_SIMPLEX,
              hershey_scale(height_px), colour, weight == Weight::kBold ? 2 : 1, cv::LINE_AA);
}

std::string fit_text(const std::string& text, int height_px, int max_width, Weight weight) {
  if (text_size(text, height_px, weight).width <= max_width) return text;
  std::string cut = text;
  while (!cut.empty()) {
    // Drop one UTF-8 character from the end: its continuation bytes, then its lead byte.
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
      cut.pop_back();
    if (!cut.empty()) cut.pop_back();
    const std::string candidate = cut + "\xE2\x80\xA6";
    if (text_size(candidate, height_px, weight).width <= max_width) return candidate;
  }
  return "";
}

}  // namespace stx::viz
