// Small dense linear algebra and distribution functions for the analyses.
//
// Matrices are row-major doubles; decompositions accumulate in long double. Sizes are small (tens of
// columns), so clarity beats blocking. The distribution functions are Boost.Math's (normal, Student t,
// F, chi-square, gamma; incomplete beta and gamma functions): upper tails are computed as complements,
// so they stay accurate down to the smallest doubles (tests/toolkit/linalg_test.cpp compares them with
// scipy down to 1e-300). Regression (glm.hpp) solves by column-pivoted QR on Eigen.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace relais::toolkit {

/// A dense row-major matrix.
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, double fill = 0.0) : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  double& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  std::span<const double> row(std::size_t r) const { return {data_.data() + r * cols_, cols_}; }
  std::span<double> row(std::size_t r) { return {data_.data() + r * cols_, cols_}; }
  const std::vector<double>& data() const { return data_; }
  void Scale(double c) {
    for (double& v : data_) v *= c;
  }

  static Matrix Identity(std::size_t n);

 private:
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<double> data_;
};

Matrix Transpose(const Matrix& a);
Matrix Multiply(const Matrix& a, const Matrix& b);
std::vector<double> Multiply(const Matrix& a, std::span<const double> x);
/// X' diag(w) X (w empty = ones), accumulated in long double.
Matrix CrossProduct(const Matrix& x, std::span<const double> w = {});
/// X' diag(w) y (w empty = ones).
std::vector<double> CrossProduct(const Matrix& x, std::span<const double> y, std::span<const double> w);

/// Lower Cholesky factor L of a symmetric positive definite matrix (A = L L'). Throws
/// relais::Error (kData) naming `what` when A is not positive definite (collinear design).
Matrix Cholesky(const Matrix& a, const char* what = "matrix");
/// Solves A x = b given A's Cholesky factor.
std::vector<double> CholeskySolve(const Matrix& l, std::span<const double> b);
/// Inverse of an SPD matrix through its Cholesky factor.
Matrix InverseSpd(const Matrix& a, const char* what = "matrix");

/// Eigen-free spectral radius of a nonnegative square matrix (Perron root, power iteration on A+I).
double SpectralRadiusNonnegative(const Matrix& a);

/// Compensated (Neumaier) sum.
double StableSum(std::span<const double> v);

// Distribution functions.
double NormalCdf(double x);
double NormalQuantile(double p);
/// Regularized incomplete beta I_x(a, b).
double IncompleteBeta(double a, double b, double x);
/// Regularized lower incomplete gamma P(a, x).
double IncompleteGammaP(double a, double x);
/// Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate when tiny.
double IncompleteGammaQ(double a, double x);
/// Two-sided p of a Student t statistic with df degrees of freedom.
double StudentTTwoSidedP(double t, double df);
/// Quantile of Student's t.
double StudentTQuantile(double p, double df);
/// Upper tail P(F > f) of Fisher's F(d1, d2).
double FSurvival(double f, double d1, double d2);
/// Upper tail P(X > x) of chi-square with k degrees of freedom.
double ChiSquareSurvival(double x, double k);
/// Upper tail P(X > x) of the gamma distribution with shape k and scale theta.
double GammaSurvival(double x, double shape, double scale);

}  // namespace relais::toolkit
