// A horizontal bar chart of signed values, each bar split into named parts stacked from zero
// (positive parts to the right, negative ones to the left), with a legend and a value axis.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace stx {

struct Bar {
  std::string label;
  std::vector<double> parts;  // one value per part name; their sum is the bar's value
  bool emphasised = false;    // label drawn bold (e.g. a gene of the perturbed pathway's set)
};

struct BarChartStyle {
  int row_h = 18, plot_w = 380, font_px = 13;
};

/// `parts` names the stacked parts (legend); every bar has that many values. A line drawn at
/// each bar's total marks where the parts end up when they point different ways.
cv::Mat bar_chart(const std::vector<Bar>& bars, const std::vector<std::string>& parts, const std::string& title,
                  const std::string& subtitle, const std::string& axis_label, const BarChartStyle& style = {});

}  // namespace stx
