# Warnings and sanitizer flags shared by every betapool target.
set(BETAPOOL_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

if(BETAPOOL_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(BETAPOOL_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(NOT BETAPOOL_SANITIZE STREQUAL "")
  message(FATAL_ERROR "BETAPOOL_SANITIZE='${BETAPOOL_SANITIZE}': use '', 'thread' or 'address'")
endif()

# Adds public headers of this directory to the library (they are installed
# under include/betapool/<dir>/ so that "core/executor.h" works everywhere).
function(betapool_sources)
  cmake_parse_arguments(ARG "" "" "SOURCES;HEADERS" ${ARGN})
  target_sources(betapool PRIVATE ${ARG_SOURCES})
  target_sources(betapool PUBLIC FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}
                 FILES ${ARG_HEADERS})
endfunction()

# Fuzzing build: everything gets coverage instrumentation and ASan+UBSan so
# libFuzzer can see inside the library's parsers.
if(BETAPOOL_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BETAPOOL_BUILD_FUZZERS needs clang (CXX=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
