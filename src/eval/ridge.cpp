#include "stx/eval/ridge.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <set>

#include "stx/core/error.hpp"
#include "stx/core/stats.hpp"

namespace stx {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Map<const RowMatrix> view(const DenseMatrix& m) {
  return Eigen::Map<const RowMatrix>(m.values.data(), m.rows, m.cols);
}

}  // namespace

DenseMatrix select_rows(const DenseMatrix& m, const std::vector<int64_t>& rows) {
  DenseMatrix out{static_cast<int64_t>(rows.size()), m.cols, {}};
  out.values.reserve(rows.size() * static_cast<size_t>(m.cols));
  for (int64_t r : rows)
    out.values.insert(out.values.end(), m.values.begin() + r * m.cols, m.values.begin() + (r + 1) * m.cols);
  return out;
}

RidgeModel fit_ridge(const DenseMatrix& x, const DenseMatrix& y, double lambda) {
  STX_CHECK(x.rows == y.rows && x.rows > 1, ShapeError, "ridge: {} feature rows, {} target rows",
            x.rows, y.rows);
  RidgeModel model;
  model.lambda = lambda;
  const auto X = view(x);
  const auto Y = view(y);
  const Eigen::RowVectorXd mean = X.colwise().mean();
  Eigen::RowVectorXd scale = ((X.rowwise() - mean).array().square().colwise().sum() /
                              static_cast<double>(x.rows - 1))
                                 .sqrt();
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    if (!(scale[j] > 1e-12)) scale[j] = 1.0;  // constant feature: centred to zero, no effect
  const RowMatrix Z = (X.rowwise() - mean).array().rowwise() / scale.array();
  const Eigen::RowVectorXd y_mean = Y.colwise().mean();
  const RowMatrix Yc = Y.rowwise() - y_mean;
  Eigen::MatrixXd gram = Z.transpose() * Z;
  gram.diagonal().array() += lambda;
  const Eigen::MatrixXd W = gram.ldlt().solve(Z.transpose() * Yc);
  model.feature_mean.assign(mean.data(), mean.data() + mean.size());
  model.feature_scale.assign(scale.data(), scale.data() + scale.size());
  model.coefficients = {W.rows(), W.cols(), std::vector<double>(static_cast<size_t>(W.size()))};
  Eigen::Map<RowMatrix>(model.coefficients.values.data(), W.rows(), W.cols()) = W;
  model.intercept.assign(y_mean.data(), y_mean.data() + y_mean.size());
  return model;
}

DenseMatrix predict_ridge(const RidgeModel& model, const DenseMatrix& x) {
  const auto X = view(x);
  const Eigen::Map<const Eigen::RowVectorXd> mean(model.feature_mean.data(), x.cols);
  const Eigen::Map<const Eigen::RowVectorXd> scale(model.feature_scale.data(), x.cols);
  const Eigen::Map<const Eigen::RowVectorXd> intercept(model.intercept.data(),
                                                       model.coefficients.cols);
  const RowMatrix Z = (X.rowwise() - mean).array().rowwise() / scale.array();
  const RowMatrix P = (Z * view(model.coefficients)).rowwise() + intercept;
  DenseMatrix out{P.rows(), P.cols(), std::vector<double>(P.data(), P.data() + P.size())};
  return out;
}

double mean_column_pearson(const DenseMatrix& truth, const DenseMatrix& prediction, int* undefined) {
  double sum = 0;
  int defined = 0, missing = 0;
  std::vector<double> a(static_cast<size_t>(truth.rows)), b(static_cast<size_t>(truth.rows));
  for (int64_t c = 0; c < truth.cols; ++c) {
    for (int64_t r = 0; r < truth.rows; ++r) a[r] = truth.at(r, c), b[r] = prediction.at(r, c);
    const double value = pearson(a, b);
    if (std::isfinite(value)) sum += value, ++defined; else ++missing;
  }
  if (undefined != nullptr) *undefined = missing;
  return defined > 0 ? sum / defined : std::nan("");
}

double choose_ridge_lambda(const DenseMatrix& x, const DenseMatrix& y,
                           const std::vector<int>& groups, const std::vector<double>& grid) {
  const std::set<int> distinct(groups.begin(), groups.end());
  STX_CHECK(distinct.size() >= 2, ShapeError, "choosing lambda needs at least two groups");
  double best_lambda = grid.front(), best_r = -2;
  for (double lambda : grid) {
    double total = 0;
    for (int held_out : distinct) {
      std::vector<int64_t> train, test;
      for (size_t i = 0; i < groups.size(); ++i)
        (groups[i] == held_out ? test : train).push_back(static_cast<int64_t>(i));
      const RidgeModel model = fit_ridge(select_rows(x, train), select_rows(y, train), lambda);
      total += mean_column_pearson(select_rows(y, test), predict_ridge(model, select_rows(x, test)));
    }
    if (total / static_cast<double>(distinct.size()) > best_r) best_r = total / static_cast<double>(distinct.size()), best_lambda = lambda;
  }
  return best_lambda;
}

}  // namespace stx
