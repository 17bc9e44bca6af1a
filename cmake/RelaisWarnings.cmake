# Warning flags shared by every relais target.
add_library(relais_warnings INTERFACE)
target_compile_options(relais_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O3 reports false positives inside libstdc++'s std::string (GCC bugs 105329, 105651).
  target_compile_options(relais_warnings INTERFACE -Wno-restrict -Wno-stringop-overflow -Wno-array-bounds)
endif()
if(RELAIS_WERROR)
  target_compile_options(relais_warnings INTERFACE -Werror)
endif()
if(RELAIS_SANITIZE)
  add_compile_options(-fsanitize=${RELAIS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${RELAIS_SANITIZE})
  # ifunc resolvers (target_clones) run while the dynamic loader relocates, before the sanitizer runtime
  # is set up: instrumented, they crash a ThreadSanitizer binary at load (text's SignKernel did).
  add_compile_definitions(RELAIS_NO_IFUNC)
endif()
if(RELAIS_BUILD_FUZZERS)
  # The libraries the fuzz targets link are instrumented too: without coverage of relais' own code
  # libFuzzer would only see the harness and fuzz blind.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
endif()
