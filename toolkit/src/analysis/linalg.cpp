// Dense linear algebra and distribution functions (see linalg.hpp).
#include "relais/toolkit/analysis/linalg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "relais/base/error.hpp"

namespace relais::toolkit {

Matrix Matrix::Identity(std::size_t n) {
  Matrix m(n, n);
  for (std::size_t i = 0; i < n; ++i) m(i, i) = 1.0;
  return m;
}

Matrix Transpose(const Matrix& a) {
  Matrix t(a.cols(), a.rows());
  for (std::size_t r = 0; r < a.rows(); ++r)
    for (std::size_t c = 0; c < a.cols(); ++c) t(c, r) = a(r, c);
  return t;
}

Matrix Multiply(const Matrix& a, const Matrix& b) {
  RELAIS_ASSERT(a.cols() == b.rows(), "matrix product dimensions");
  Matrix m(a.rows(), b.cols());
  for (std::size_t r = 0; r < a.rows(); ++r)
    for (std::size_t c = 0; c < b.cols(); ++c) {
      long double s = 0;
      for (std::size_t k = 0; k < a.cols(); ++k) s += static_cast<long double>(a(r, k)) * b(k, c);
      m(r, c) = static_cast<double>(s);
    }
  return m;
}

std::vector<double> Multiply(const Matrix& a, std::span<const double> x) {
  RELAIS_ASSERT(a.cols() == x.size(), "matrix-vector dimensions");
  std::vector<double> y(a.rows());
  for (std::size_t r = 0; r < a.rows(); ++r) {
    long double s = 0;
    for (std::size_t k = 0; k < a.cols(); ++k) s += static_cast<long double>(a(r, k)) * x[k];
    y[r] = static_cast<double>(s);
  }
  return y;
}

Matrix CrossProduct(const Matrix& x, std::span<const double> w) {
  const std::size_t p = x.cols();
  std::vector<long double> acc(p * p, 0.0L);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const long double wr = w.empty() ? 1.0L : w[r];
    auto xr = x.row(r);
    for (std::size_t a = 0; a < p; ++a) {
      const long double xa = wr * xr[a];
      for (std::size_t b = a; b < p; ++b) acc[a * p + b] += xa * xr[b];
    }
  }
  Matrix m(p, p);
  for (std::size_t a = 0; a < p; ++a)
    for (std::size_t b = a; b < p; ++b) m(a, b) = m(b, a) = static_cast<double>(acc[a * p + b]);
  return m;
}

std::vector<double> CrossProduct(const Matrix& x, std::span<const double> y, std::span<const double> w) {
  std::vector<long double> acc(x.cols(), 0.0L);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const long double wy = (w.empty() ? 1.0L : w[r]) * static_cast<long double>(y[r]);
    auto xr = x.row(r);
    for (std::size_t a = 0; a < x.cols(); ++a) acc[a] += wy * xr[a];
  }
  return {acc.begin(), acc.end()};
}

Matrix Cholesky(const Matrix& a, const char* what) {
  RELAIS_ASSERT(a.rows() == a.cols(), "cholesky needs a square matrix");
  const std::size_t n = a.rows();
  Matrix l(n, n);
  double max_diag = 0;
  for (std::size_t i = 0; i < n; ++i) max_diag = std::max(max_diag, std::abs(a(i, i)));
  for (std::size_t j = 0; j < n; ++j) {
    long double d = a(j, j);
    for (std::size_t k = 0; k < j; ++k) d -= static_cast<long double>(l(j, k)) * l(j, k);
    if (!(d > 1e-13L * std::max(1.0, max_diag)))
      throw Error(ErrorKind::kData, std::string(what) +
                                        " is singular (collinear columns or too few observations; column " +
                                        std::to_string(j) + ")");
    const long double ljj = std::sqrt(d);
    l(j, j) = static_cast<double>(ljj);
    for (std::size_t i = j + 1; i < n; ++i) {
      long double s = a(i, j);
      for (std::size_t k = 0; k < j; ++k) s -= static_cast<long double>(l(i, k)) * l(j, k);
      l(i, j) = static_cast<double>(s / ljj);
    }
  }
  return l;
}

std::vector<double> CholeskySolve(const Matrix& l, std::span<const double> b) {
  const std::size_t n = l.rows();
  std::vector<long double> z(n);
  for (std::size_t i = 0; i < n; ++i) {
    long double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= l(i, k) * z[k];
    z[i] = s / l(i, i);
  }
  std::vector<double> x(n);
  for (std::size_t i = n; i-- > 0;) {
    long double s = z[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= l(k, i) * static_cast<long double>(x[k]);
    x[i] = static_cast<double>(s / l(i, i));
  }
  return x;
}

Matrix InverseSpd(const Matrix& a, const char* what) {
  const Matrix l = Cholesky(a, what);
  const std::size_t n = a.rows();
  Matrix inv(n, n);
  std::vector<double> e(n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    std::fill(e.begin(), e.end(), 0.0);
    e[c] = 1.0;
    auto col = CholeskySolve(l, e);
    for (std::size_t r = 0; r < n; ++r) inv(r, c) = col[r];
  }
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = r + 1; c < n; ++c) inv(r, c) = inv(c, r) = 0.5 * (inv(r, c) + inv(c, r));
  return inv;
}

double SpectralRadiusNonnegative(const Matrix& a) {
  const std::size_t n = a.rows();
  if (n == 0) return 0.0;
  // Power iteration on B = A + I: same Perron vector, no periodicity, rho(A) = rho(B) - 1.
  std::vector<double> v(n, 1.0 / static_cast<double>(n)), w(n);
  double rho = 0;
  for (int it = 0; it < 100000; ++it) {
    for (std::size_t r = 0; r < n; ++r) {
      long double s = v[r];
      for (std::size_t c = 0; c < n; ++c) s += static_cast<long double>(a(r, c)) * v[c];
      w[r] = static_cast<double>(s);
    }
    double norm = 0;
    for (double x : w) norm += x;
    if (norm <= 0) return 0.0;
    double diff = 0;
    for (std::size_t r = 0; r < n; ++r) {
      w[r] /= norm;
      diff = std::max(diff, std::abs(w[r] - v[r]));
    }
    v.swap(w);
    rho = norm;  // v sums to one, so ||B v||_1 -> rho(B)
    if (diff < 1e-15) break;
  }
  return std::max(0.0, rho - 1.0);
}

double StableSum(std::span<const double> v) {
  double sum = 0, comp = 0;
  for (double x : v) {
    const double t = sum + x;
    comp += std::abs(sum) >= std::abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  return sum + comp;
}

namespace {
// Domain errors (NaN input, df <= 0) give NaN instead of throwing; a tail that underflows gives 0.
using Policy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::pole_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;
using Normal = boost::math::normal_distribution<double, Policy>;
using StudentT = boost::math::students_t_distribution<double, Policy>;
using FisherF = boost::math::fisher_f_distribution<double, Policy>;
using ChiSquared = boost::math::chi_squared_distribution<double, Policy>;
using Gamma = boost::math::gamma_distribution<double, Policy>;
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double NormalCdf(double x) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
  return boost::math::cdf(Normal(), x);
}

double NormalQuantile(double p) {
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  return boost::math::quantile(Normal(), p);
}

double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return boost::math::ibeta(a, b, x, Policy());
}

double IncompleteGammaP(double a, double x) {
  if (x <= 0) return 0;
  return boost::math::gamma_p(a, x, Policy());
}

double IncompleteGammaQ(double a, double x) {
  if (x <= 0) return 1;
  return boost::math::gamma_q(a, x, Policy());
}

double StudentTTwoSidedP(double t, double df) {
  if (!std::isfinite(t)) return std::isnan(t) ? t : 0.0;
  // 2 P(T > |t|), computed as an upper tail so that it stays accurate far below 1e-16.
  return 2 * boost::math::cdf(boost::math::complement(StudentT(df), std::abs(t)));
}

double StudentTQuantile(double p, double df) {
  if (p <= 0 || p >= 1) return p <= 0 ? -kInf : kInf;
  return boost::math::quantile(StudentT(df), p);
}

double FSurvival(double f, double d1, double d2) {
  if (!(f > 0)) return 1.0;
  if (std::isinf(f)) return 0.0;
  return boost::math::cdf(boost::math::complement(FisherF(d1, d2), f));
}

double ChiSquareSurvival(double x, double k) {
  if (!(x > 0)) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::cdf(boost::math::complement(ChiSquared(k), x));
}

double GammaSurvival(double x, double shape, double scale) {
  if (!(x > 0)) return 1.0;
  if (std::isinf(x)) return 0.0;
  return boost::math::cdf(boost::math::complement(Gamma(shape, scale), x));
}

}  // namespace relais::toolkit
