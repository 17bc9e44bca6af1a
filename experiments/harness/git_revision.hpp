// The git revision the experiment binaries were built from ("c4e9edb", "c4e9edb-dirty" when tracked files
// differed from that commit, "unknown" outside a git checkout). Stamped at build time by cmake/GitRevision.cmake.
#pragma once

namespace relais::experiments {
const char* GitRevision();
}  // namespace relais::experiments
