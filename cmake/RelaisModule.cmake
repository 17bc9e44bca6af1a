# relais_add_module(NAME DEPS...): a static library from NAME/src/**.cpp with public headers in
# NAME/include, target relais_NAME and alias relais::NAME.
function(relais_add_module name)
  cmake_parse_arguments(M "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  add_library(relais_${name} STATIC ${srcs})
  add_library(relais::${name} ALIAS relais_${name})
  target_include_directories(relais_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(relais_${name} PUBLIC ${M_DEPS} PRIVATE relais_warnings ${M_PRIVATE_DEPS})
endfunction()

# relais_add_test(NAME DIR [CLI] DEPS...): one GoogleTest binary from tests/DIR/*.cpp. CLI: its tests run
# the relais executable (RELAIS_BIN), so it depends on it; the others build without the toolkit and CLI.
# Compiles target `name` in unity batches of RELAIS_UNITY_BATCH files (see the top CMakeLists.txt). Helpers in
# the batched files' anonymous namespaces must have distinct names (or come from tests/test_util.hpp).
function(relais_unity_batches name)
  if(RELAIS_UNITY_BATCH GREATER 0)
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${RELAIS_UNITY_BATCH})
  endif()
endfunction()

function(relais_add_test name dir)
  cmake_parse_arguments(T "CLI" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock relais_warnings)
  # Test code at -O1 in Release (the libraries under test keep -O3): the suites compile in about 70 % of the
  # time, which CI's budget needs (experiments/results/trust.md), and run as fast (their time is in the libraries).
  target_compile_options(${name} PRIVATE $<$<CONFIG:Release>:-O1>)
  relais_unity_batches(${name})
  target_compile_definitions(${name} PRIVATE RELAIS_TEST_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
                                             RELAIS_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(T_CLI)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "RELAIS_BIN=$<TARGET_FILE:relais>")
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
