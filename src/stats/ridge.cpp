#include "stx/stats/ridge.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <set>

#include "stx/stats/column_scale.hpp"
#include "stx/core/error.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Map<const RowMatrix> view(const DenseMatrix& m) {
  return Eigen::Map<const RowMatrix>(m.values.data(), m.rows, m.cols);
}

}  // namespace

RidgeModel fit_ridge(const DenseMatrix& x, const DenseMatrix& y, double lambda) {
  STX_CHECK(x.rows == y.rows && x.rows > 1, ShapeError, "ridge: {} feature rows, {} target rows",
            x.rows, y.rows);
  RidgeModel model;
  model.lambda = lambda;
  const auto X = view(x);
  const auto Y = view(y);
  // the sample sd, as the HEST benchmark's scikit-learn ridge; a constant feature is centred to zero
  const ColumnScale features = column_scale(x.values, x.cols, 1);
  const Eigen::Map<const Eigen::RowVectorXd> mean(features.mean.data(), x.cols);
  const Eigen::Map<const Eigen::RowVectorXd> scale(features.sd.data(), x.cols);
  const RowMatrix Z = (X.rowwise() - mean).array().rowwise() / scale.array();
  const Eigen::RowVectorXd y_mean = Y.colwise().mean();
  const RowMatrix Yc = Y.rowwise() - y_mean;
  Eigen::MatrixXd gram = Z.transpose() * Z;
  gram.diagonal().array() += lambda;
  const Eigen::MatrixXd W = gram.ldlt().solve(Z.transpose() * Yc);
  model.feature_mean = features.mean;
  model.feature_scale = features.sd;
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

RidgeModel reduce_rank(const RidgeModel& model, const DenseMatrix& x, int64_t rank) {
  const int64_t targets = model.coefficients.cols;
  if (rank <= 0 || rank >= targets) return model;
  const auto X = view(x);
  const Eigen::Map<const Eigen::RowVectorXd> mean(model.feature_mean.data(), x.cols);
  const Eigen::Map<const Eigen::RowVectorXd> scale(model.feature_scale.data(), x.cols);
  const RowMatrix Z = (X.rowwise() - mean).array().rowwise() / scale.array();
  const RowMatrix fitted = Z * view(model.coefficients);  // (N, T), centred with Z
  const RowMatrix centred = fitted.rowwise() - fitted.colwise().mean();
  // eigenvalues ascending: the last `rank` eigenvectors are the leading directions
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(centred.transpose() * centred);
  const Eigen::MatrixXd v = eigen.eigenvectors().rightCols(rank);  // (T, rank)
  RidgeModel reduced = model;
  Eigen::Map<RowMatrix>(reduced.coefficients.values.data(), x.cols, targets) =
      view(model.coefficients) * (v * v.transpose());
  return reduced;
}

RidgeChoice choose_ridge(const DenseMatrix& x, const DenseMatrix& y, const std::vector<int>& groups,
                         const std::vector<double>& lambdas, const std::vector<int64_t>& ranks) {
  const std::set<int> distinct(groups.begin(), groups.end());
  STX_CHECK(distinct.size() >= 2, ShapeError, "choosing lambda needs at least two groups");
  STX_CHECK(!lambdas.empty() && !ranks.empty(), ConfigError, "ridge: no penalty or rank to choose from");
  std::vector<std::vector<double>> total(lambdas.size(), std::vector<double>(ranks.size(), 0));
  for (int held_out : distinct) {
    std::vector<int64_t> train, test;
    for (size_t i = 0; i < groups.size(); ++i)
      (groups[i] == held_out ? test : train).push_back(static_cast<int64_t>(i));
    const DenseMatrix x_train = select_rows(x, train), x_test = select_rows(x, test);
    const DenseMatrix y_train = select_rows(y, train), y_test = select_rows(y, test);
    for (size_t l = 0; l < lambdas.size(); ++l) {
      const RidgeModel full = fit_ridge(x_train, y_train, lambdas[l]);
      for (size_t r = 0; r < ranks.size(); ++r)
        total[l][r] += mean_column_pearson(y_test, predict_ridge(reduce_rank(full, x_train, ranks[r]), x_test));
    }
  }
  RidgeChoice best{lambdas.front(), ranks.front()};
  double best_total = -1e300;
  for (size_t l = 0; l < lambdas.size(); ++l)  // ties: the first in grid order
    for (size_t r = 0; r < ranks.size(); ++r)
      if (total[l][r] > best_total) best_total = total[l][r], best = {lambdas[l], ranks[r]};
  return best;
}

double choose_ridge_lambda(const DenseMatrix& x, const DenseMatrix& y,
                           const std::vector<int>& groups, const std::vector<double>& grid) {
  return choose_ridge(x, y, groups, grid, {0}).lambda;
}

}  // namespace stx
