// Dense linear algebra and distribution functions (see linalg.hpp).
#include "relais/toolkit/analysis/linalg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  // Acklam's rational approximation, then one Halley refinement step.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (int i = 0; i < 2; ++i) {
    const double e = NormalCdf(x) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}

namespace {

// Continued fraction for the incomplete beta (modified Lentz).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < 1e-16) break;
  }
  return h;
}

}  // namespace

double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double lbt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(lbt) * BetaContinuedFraction(a, b, x) / a;
  return 1 - std::exp(lbt) * BetaContinuedFraction(b, a, 1 - x) / b;
}

double IncompleteGammaP(double a, double x) {
  if (x <= 0) return 0;
  const double gln = std::lgamma(a);
  if (x < a + 1) {  // series
    double ap = a, sum = 1 / a, del = sum;
    for (int n = 0; n < 100000; ++n) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (std::abs(del) < std::abs(sum) * 1e-16) break;
    }
    return sum * std::exp(-x + a * std::log(x) - gln);
  }
  constexpr double kTiny = 1e-300;  // continued fraction for Q
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < 1e-16) break;
  }
  return 1 - std::exp(-x + a * std::log(x) - gln) * h;
}

double StudentTTwoSidedP(double t, double df) {
  if (!std::isfinite(t)) return std::isnan(t) ? t : 0.0;
  return IncompleteBeta(df / 2, 0.5, df / (df + t * t));
}

double StudentTQuantile(double p, double df) {
  if (p <= 0 || p >= 1)
    return p <= 0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (p == 0.5) return 0;
  const bool upper = p > 0.5;
  const double tail = upper ? 1 - p : p;  // one-sided tail probability
  // Bisection on the two-sided p (monotone in |t|), then a few secant refinements are unnecessary.
  double lo = 0, hi = 1;
  while (StudentTTwoSidedP(hi, df) / 2 > tail) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (StudentTTwoSidedP(mid, df) / 2 > tail)
      lo = mid;
    else
      hi = mid;
    if (hi - lo < 1e-15 * std::max(1.0, hi)) break;
  }
  const double t = 0.5 * (lo + hi);
  return upper ? t : -t;
}

double FSurvival(double f, double d1, double d2) {
  if (!(f > 0)) return 1.0;
  return IncompleteBeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

double ChiSquareSurvival(double x, double k) {
  if (!(x > 0)) return 1.0;
  return 1 - IncompleteGammaP(k / 2, x / 2);
}

}  // namespace relais::toolkit
