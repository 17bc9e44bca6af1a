// Calendar fields of a time: the one civil-date implementation in relais (C++20 <chrono>), used by
// time.cpp's formatter and the synthetic world's writers.
#pragma once

#include "relais/base/time.hpp"

namespace relais {

/// A time's UTC calendar fields (proleptic Gregorian; years -32767..32767 as <chrono> has them).
struct CivilTime {
  int year;
  unsigned month, day, hour, minute, second, millisecond;
  unsigned weekday;  // 0 = Sunday
};

CivilTime ToCivil(TimeMs t);

}  // namespace relais
