// Order statistics shared by the analyses: one quantile rule, one median.
#pragma once

#include <cstdint>
#include <vector>

namespace relais {

/// The q-quantile (q in [0, 1]) of `values` by linear interpolation between order statistics
/// (Hyndman and Fan's type 7, the default of numpy and R). NaN when `values` is empty.
double Quantile(std::vector<double> values, double q);

/// The median of integer values as a double: the middle value, or the mean of the two middle values
/// for an even count, computed as (a + b) / 2. NaN when `values` is empty.
double Median(std::vector<std::int64_t> values);

}  // namespace relais
