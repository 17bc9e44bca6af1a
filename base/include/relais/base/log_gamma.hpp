// ln Γ(x) safe to call from several threads at once. std::lgamma writes the C library's global `signgam`
// (a data race when TBB tasks call it together: found by ThreadSanitizer in the synthetic world's Poisson
// draws); this uses glibc's reentrant lgamma_r, whose sign goes to a local.
#pragma once

namespace relais {

/// ln |Γ(x)|, the same value as std::lgamma(x), without touching global state.
double LogGamma(double x);

}  // namespace relais
