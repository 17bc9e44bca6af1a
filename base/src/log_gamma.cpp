#include "relais/base/log_gamma.hpp"

#include <math.h>  // lgamma_r (POSIX/glibc, not in <cmath>)

namespace relais {

double LogGamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

}  // namespace relais
