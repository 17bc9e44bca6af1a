# Writes OUT (a C++ source defining relais::experiments::GitRevision()) from the source tree's git revision,
# run at build time (not at configure time), so a binary names the commit it was built from. The file is
# rewritten only when the revision changes, so an unchanged tree rebuilds nothing.
# Usage: cmake -DSOURCE_DIR=... -DOUT=... -P GitRevision.cmake
execute_process(COMMAND git rev-parse --short HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT revision)
  set(revision unknown)
else()
  # Tracked files changed since that commit: the binary is not that commit's code.
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty EQUAL 1)
    set(revision "${revision}-dirty")
  endif()
endif()
set(content "// Generated at build time by cmake/GitRevision.cmake: do not edit.\n#include \"harness/git_revision.hpp\"\n\nnamespace relais::experiments {\nconst char* GitRevision() { return \"${revision}\"; }\n}  // namespace relais::experiments\n")
if(EXISTS ${OUT})
  file(READ ${OUT} previous)
endif()
if(NOT "${previous}" STREQUAL "${content}")
  file(WRITE ${OUT} "${content}")
endif()
