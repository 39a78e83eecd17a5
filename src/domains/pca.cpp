// Principal components through the eigen-decomposition of the smaller Gram matrix: N x N
// when spots are fewer than features (a section's spots x 2,000 genes), else D x D.
#include <Eigen/Dense>

#include <algorithm>

#include "stx/core/error.hpp"
#include "stx/domains/domains.hpp"

namespace stx {

DenseMatrix principal_components(const DenseMatrix& m, int n) {
  STX_CHECK(n >= 1 && n <= std::min(m.rows, m.cols), ConfigError,
            "PCA: {} components asked of a {} x {} matrix", n, m.rows, m.cols);
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix x = Eigen::Map<const Matrix>(m.values.data(), m.rows, m.cols);
  x.rowwise() -= x.colwise().mean();
  Matrix scores;
  if (m.rows <= m.cols) {
    // X X^T = U S^2 U^T; scores = U S.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(x * x.transpose());
    const auto& values = eig.eigenvalues();    // ascending
    const auto& vectors = eig.eigenvectors();
    scores.resize(m.rows, n);
    for (int k = 0; k < n; ++k) {
      const Eigen::Index col = m.rows - 1 - k;
      scores.col(k) = vectors.col(col) * std::sqrt(std::max(values(col), 0.0));
    }
  } else {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(x.transpose() * x);
    scores = x * eig.eigenvectors().rightCols(n).rowwise().reverse();
  }
  // Sign convention (eigenvectors have none): the largest |score| of each component is positive.
  for (int k = 0; k < n; ++k) {
    Eigen::Index arg = 0;
    scores.col(k).cwiseAbs().maxCoeff(&arg);
    if (scores(arg, k) < 0) scores.col(k) *= -1;
  }
  DenseMatrix out{m.rows, n, {}};
  out.values.assign(scores.data(), scores.data() + scores.size());
  return out;
}

}  // namespace stx
