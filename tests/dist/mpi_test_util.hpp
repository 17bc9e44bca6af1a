// Shared by the MPI tests: running a shell command line, skipping without MPI, and the mpirun prefix.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "relais/dist/comm.hpp"
#include "test_util.hpp"

namespace relais::testing {

// A shell command line (gtest's Test::Run would hide relais::testing::Run inside TEST bodies).
inline RunResult Sh(const std::string& command_line) { return Run(command_line); }

// "timeout T mpirun --oversubscribe --allow-run-as-root EXTRA -np N " (as root in the CI container).
inline std::string Mpirun(int np, int timeout_s, const std::string& extra = "") {
  return "timeout " + std::to_string(timeout_s) + " " + std::string(RELAIS_TEST_MPIEXEC) +
         " --oversubscribe --allow-run-as-root " + extra + " -np " + std::to_string(np) + " ";
}

}  // namespace relais::testing

#define RELAIS_REQUIRE_MPIRUN()                                                                         \
  if (!relais::dist::Available()) GTEST_SKIP() << "relais built without MPI (RELAIS_MPI=OFF): skipped"; \
  if (std::string(RELAIS_TEST_MPIEXEC).empty()) GTEST_SKIP() << "mpirun not found: MPI tests skipped"
