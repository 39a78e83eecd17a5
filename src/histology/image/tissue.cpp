#include "stx/histology/image/tissue.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>

#include "stx/core/error.hpp"

namespace stx {

bool TissueMask::at(double x, double y) const {
  const int c = static_cast<int>(x / fullres_per_px), r = static_cast<int>(y / fullres_per_px);
  return r >= 0 && c >= 0 && r < mask.rows && c < mask.cols && mask.at<uchar>(r, c) > 0;
}

double TissueMask::area_um2(double um_per_px) const {
  const double px_um = fullres_per_px * um_per_px;
  return cv::countNonZero(mask) * px_um * px_um;
}

TissueMask detect_tissue(const Image& image, double um_per_px, const TissueOptions& options) {
  STX_CHECK(std::isfinite(um_per_px) && um_per_px > 0, ConfigError,
            "{}: tissue detection needs the image's µm per pixel (pass --um-per-px)", image.path());
  TissueMask result;
  result.fullres_per_px = std::max(1.0, options.thumbnail_um_per_px / um_per_px);
  const cv::Size size(std::max(1, static_cast<int>(std::ceil(static_cast<double>(image.width()) / result.fullres_per_px))),
                      std::max(1, static_cast<int>(std::ceil(static_cast<double>(image.height()) / result.fullres_per_px))));
  const cv::Mat thumbnail = image.read_region(
      cv::Rect2d(0, 0, size.width * result.fullres_per_px, size.height * result.fullres_per_px), size);
  cv::Mat hsv, channels[3];
  cv::cvtColor(thumbnail, hsv, cv::COLOR_RGB2HSV);
  cv::split(hsv, channels);
  cv::Mat saturation;
  cv::medianBlur(channels[1], saturation, 5);
  cv::threshold(saturation, result.mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::morphologyEx(result.mask, result.mask, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));

  // Keep components above the minimum area, with their holes filled.
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(result.mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const double px_um2 = std::pow(result.fullres_per_px * um_per_px, 2);
  cv::Mat filled = cv::Mat::zeros(result.mask.size(), CV_8U);
  for (size_t i = 0; i < contours.size(); ++i)
    if (cv::contourArea(contours[i]) * px_um2 >= options.min_component_um2)
      cv::drawContours(filled, contours, static_cast<int>(i), cv::Scalar(255), cv::FILLED);
  result.mask = filled;
  return result;
}

const NameTable<GridKind>& grid_kinds() {
  static const NameTable<GridKind> table("--grid", "grid", {{GridKind::kHexagonal, "hex"}, {GridKind::kSquare, "square"}});
  return table;
}

GridKind parse_grid_kind(const std::string& name) { return grid_kinds().parse(name); }

Slide pseudo_spot_slide(std::shared_ptr<const Image> image, double um_per_px,
                        const PseudoSpotOptions& options) {
  STX_CHECK(std::isfinite(options.pitch_um) && options.pitch_um > 0, ConfigError,
            "--pitch-um must be positive, found {}", options.pitch_um);
  STX_CHECK(plausible_um_per_px(um_per_px), ConfigError,
            "{}: {} µm per pixel; expected {} to {} (--um-per-px)", image->path(), um_per_px, kMinUmPerPx,
            kMaxUmPerPx);
  const double grid_points = (static_cast<double>(image->width()) * um_per_px / options.pitch_um + 1) *
                             (static_cast<double>(image->height()) * um_per_px / options.pitch_um + 1);
  STX_CHECK(grid_points <= static_cast<double>(options.max_grid_points), ConfigError,
            "--pitch-um {}: a grid of about {:.3g} points over this {} x {} px image (at most {}); "
            "use a coarser pitch",
            options.pitch_um, grid_points, image->width(), image->height(), options.max_grid_points);
  const TissueMask tissue = detect_tissue(*image, um_per_px, options.tissue);
  Slide slide;
  slide.name = std::filesystem::path(image->path()).stem().string();
  slide.source_format = "image";
  slide.source_path = image->path();
  slide.um_per_px = um_per_px;
  const double pitch_px = options.pitch_um / um_per_px;
  const bool hex = options.kind == GridKind::kHexagonal;
  const double row_step = hex ? pitch_px * std::sqrt(3.0) / 2.0 : pitch_px;
  const double w = static_cast<double>(image->width()), h = static_cast<double>(image->height());
  int32_t row = 0;
  for (double y = row_step / 2; y < h; y += row_step, ++row) {
    const double offset = hex && row % 2 == 1 ? pitch_px / 2 : 0.0;
    int32_t col = 0;
    for (double x = pitch_px / 2 + offset; x < w; x += pitch_px, ++col) {
      if (!tissue.at(x, y)) continue;
      slide.spot_ids.push_back(fmt::format("r{}_c{}", row, col));
      slide.array_row.push_back(row);
      slide.array_col.push_back(hex ? 2 * col + row % 2 : col);  // Visium-style hex columns
      slide.pixel_x.push_back(x);
      slide.pixel_y.push_back(y);
    }
  }
  STX_CHECK(!slide.spot_ids.empty(), FormatError,
            "{}: no tissue found for pseudo-spots (blank image, or wrong µm/px?)", image->path());
  slide.in_tissue.assign(slide.spot_ids.size(), 1);
  slide.counts.n_cols = 0;
  slide.counts.n_rows = slide.n_spots();
  slide.counts.indptr.assign(static_cast<size_t>(slide.n_spots() + 1), 0);
  slide.image = std::move(image);
  slide.spot_diameter_px = 0.55 * pitch_px;  // Visium: 55 µm spots on a 100 µm pitch
  slide.notes.push_back(fmt::format("{} pseudo-spots on a {} grid of {} µm pitch over {:.2f} mm² of tissue",
                                    slide.n_spots(), hex ? "hexagonal" : "square",
                                    options.pitch_um, tissue.area_um2(um_per_px) / 1e6));
  return slide;
}

}  // namespace stx
