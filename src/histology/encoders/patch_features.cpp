#include "patch_features.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/histology/image/stain.hpp"

namespace stx {
namespace {

constexpr float kTissueOd = 0.15f;      // summed RGB OD above which a pixel is tissue
constexpr float kNucleusH = 0.35f;      // hematoxylin OD above which a pixel is nuclear
constexpr double kMinNucleusUm2 = 10;   // blob areas counted as nuclei
constexpr double kMaxNucleusUm2 = 400;
constexpr int kGlcmLevels = 8;
constexpr float kGlcmMaxH = 1.2f;

// An order-preserving key of a float (larger floats, larger keys), with -0 as +0.
uint32_t order_key(float f) {
  f += 0.0f;
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) != 0 ? ~u : (u | 0x80000000u);
}

}  // namespace

std::array<float, 3> order_statistics(const std::vector<float>& v, const std::array<size_t, 3>& ranks) {
  constexpr size_t K = 3;
  thread_local std::vector<uint32_t> histogram(size_t{1} << 16);
  std::fill(histogram.begin(), histogram.end(), 0u);
  for (float f : v) ++histogram[order_key(f) >> 16];
  std::array<uint32_t, K> bin{};
  std::array<size_t, K> within{};
  for (size_t k = 0; k < K; ++k) {
    STX_CHECK(ranks[k] < v.size(), ShapeError, "rank {} of {} values", ranks[k], v.size());
    size_t below = 0;
    uint32_t b = 0;
    while (below + histogram[b] <= ranks[k]) below += histogram[b++];
    bin[k] = b;
    within[k] = ranks[k] - below;
  }
  std::array<std::vector<float>, K> members;
  for (size_t k = 0; k < K; ++k) members[k].reserve(histogram[bin[k]]);
  for (float f : v) {
    const uint32_t b = order_key(f) >> 16;
    for (size_t k = 0; k < K; ++k)
      if (b == bin[k]) members[k].push_back(f + 0.0f);
  }
  std::array<float, K> out{};
  for (size_t k = 0; k < K; ++k) {
    auto nth = members[k].begin() + static_cast<int64_t>(within[k]);
    std::nth_element(members[k].begin(), nth, members[k].end());
    out[k] = *nth;
  }
  return out;
}

namespace {

// mean, sd, 10th, 50th, 90th percentile of one float channel.
void distribution(const cv::Mat& channel, float* out) {
  std::vector<float> v(channel.begin<float>(), channel.end<float>());
  cv::Scalar mean, sd;
  cv::meanStdDev(channel, mean, sd);
  const auto rank = [&](double q) { return static_cast<size_t>(q * static_cast<double>(v.size() - 1)); };
  const auto p = order_statistics(v, {rank(0.1), rank(0.5), rank(0.9)});
  out[0] = static_cast<float>(mean[0]);
  out[1] = static_cast<float>(sd[0]);
  out[2] = p[0];
  out[3] = p[1];
  out[4] = p[2];
}

void gradient_stats(const cv::Mat& gray, float* out) {
  cv::Mat gx, gy, magnitude;
  cv::Sobel(gray, gx, CV_32F, 1, 0);
  cv::Sobel(gray, gy, CV_32F, 0, 1);
  cv::magnitude(gx, gy, magnitude);
  cv::Scalar mean, sd;
  cv::meanStdDev(magnitude, mean, sd);
  out[0] = static_cast<float>(mean[0]);
  out[1] = static_cast<float>(sd[0]);
}

// Symmetric co-occurrence of quantised hematoxylin at offsets (1, 0) and (0, 1):
// contrast, homogeneity, energy, correlation (Haralick).
void glcm_features(const cv::Mat& h, float* out) {
  cv::Mat levels(h.size(), CV_8U);
  for (int y = 0; y < h.rows; ++y)
    for (int x = 0; x < h.cols; ++x) {
      const float v = std::clamp(h.at<float>(y, x), 0.0f, kGlcmMaxH - 1e-6f);
      levels.at<uchar>(y, x) = static_cast<uchar>(v / kGlcmMaxH * kGlcmLevels);
    }
  double p[kGlcmLevels][kGlcmLevels] = {};
  double total = 0;
  const auto add = [&](int a, int b) { p[a][b] += 1, p[b][a] += 1, total += 2; };
  for (int y = 0; y < levels.rows; ++y)
    for (int x = 0; x < levels.cols; ++x) {
      if (x + 1 < levels.cols) add(levels.at<uchar>(y, x), levels.at<uchar>(y, x + 1));
      if (y + 1 < levels.rows) add(levels.at<uchar>(y, x), levels.at<uchar>(y + 1, x));
    }
  double mean = 0, contrast = 0, homogeneity = 0, energy = 0;
  for (int i = 0; i < kGlcmLevels; ++i)
    for (int j = 0; j < kGlcmLevels; ++j) {
      const double q = p[i][j] / total;
      mean += i * q;
      contrast += (i - j) * (i - j) * q;
      homogeneity += q / (1.0 + std::abs(i - j));
      energy += q * q;
    }
  double variance = 0, covariance = 0;
  for (int i = 0; i < kGlcmLevels; ++i)
    for (int j = 0; j < kGlcmLevels; ++j) {
      const double q = p[i][j] / total;
      variance += (i - mean) * (i - mean) * q;
      covariance += (i - mean) * (j - mean) * q;
    }
  out[0] = static_cast<float>(contrast);
  out[1] = static_cast<float>(homogeneity);
  out[2] = static_cast<float>(energy);
  out[3] = static_cast<float>(variance > 1e-12 ? covariance / variance : 1.0);
}

void nuclei_features(const cv::Mat& h, double um_per_px, float* out) {
  cv::Mat smooth, mask;
  cv::GaussianBlur(h, smooth, cv::Size(0, 0), std::max(0.5, 1.0 / um_per_px));
  cv::threshold(smooth, mask, kNucleusH, 255, cv::THRESH_BINARY);
  mask.convertTo(mask, CV_8U);
  cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  const double px_area = um_per_px * um_per_px;
  double count = 0, sum = 0, sum_sq = 0;
  for (int i = 1; i < n; ++i) {
    const double area = stats.at<int>(i, cv::CC_STAT_AREA) * px_area;
    if (area < kMinNucleusUm2 || area > kMaxNucleusUm2) continue;
    count += 1, sum += area, sum_sq += area * area;
  }
  const double patch_area = static_cast<double>(h.total()) * px_area;
  const double mean = count > 0 ? sum / count : 0.0;
  out[0] = static_cast<float>(count / patch_area * 1e4);  // nuclei per 10,000 µm²
  out[1] = static_cast<float>(mean);
  out[2] = static_cast<float>(count > 1 ? std::sqrt(std::max(0.0, sum_sq / count - mean * mean)) : 0.0);
}

}  // namespace

std::vector<std::string> patch_feature_names(const std::string& prefix) {
  std::vector<std::string> names;
  for (const char* stain : {"H", "E"})
    for (const char* stat : {"mean", "sd", "p10", "p50", "p90"})
      names.push_back(prefix + stain + "_" + stat);
  for (const char* name : {"tissue_fraction", "nuclear_fraction", "L_mean", "L_sd", "a_mean",
                           "a_sd", "b_mean", "b_sd", "gradient_mean", "gradient_sd",
                           "gradient_half_mean", "gradient_half_sd", "laplacian_log_var",
                           "glcm_contrast", "glcm_homogeneity", "glcm_energy",
                           "glcm_correlation", "nuclei_per_1e4um2", "nucleus_area_mean",
                           "nucleus_area_sd"})
    names.push_back(prefix + name);
  return names;
}

void patch_features(const cv::Mat& rgb, double um_per_px, float* out) {
  const cv::Mat stains = deconvolve_he(rgb);
  cv::Mat channel[3];
  cv::split(stains, channel);
  distribution(channel[0], out + 0);
  distribution(channel[1], out + 5);

  const float* od = optical_density_table();
  cv::Mat od_sum(rgb.size(), CV_32F);
  for (int y = 0; y < rgb.rows; ++y) {
    const cv::Vec3b* p = rgb.ptr<cv::Vec3b>(y);
    float* s = od_sum.ptr<float>(y);
    for (int x = 0; x < rgb.cols; ++x) s[x] = od[p[x][0]] + od[p[x][1]] + od[p[x][2]];
  }
  const double n_px = static_cast<double>(rgb.total());
  out[10] = static_cast<float>(cv::countNonZero(od_sum > kTissueOd) / n_px);
  out[11] = static_cast<float>(cv::countNonZero(channel[0] > kNucleusH) / n_px);

  cv::Mat lab;
  cv::cvtColor(rgb, lab, cv::COLOR_RGB2Lab);
  cv::Scalar mean, sd;
  cv::meanStdDev(lab, mean, sd);
  for (int c = 0; c < 3; ++c) {
    out[12 + 2 * c] = static_cast<float>(mean[c]);
    out[13 + 2 * c] = static_cast<float>(sd[c]);
  }

  cv::Mat gray, half;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  gradient_stats(gray, out + 18);
  cv::resize(gray, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  gradient_stats(half, out + 20);
  cv::Mat laplacian;
  cv::Laplacian(gray, laplacian, CV_32F);
  cv::meanStdDev(laplacian, mean, sd);
  out[22] = static_cast<float>(std::log1p(sd[0] * sd[0]));

  glcm_features(channel[0], out + 23);
  nuclei_features(channel[0], um_per_px, out + 27);
}

}  // namespace stx
