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

# betapool_library(<name> EXPORT <export name> DEPENDS <targets...>
#                  SOURCES ... HEADERS ...): one floor's library, exported as
# betapool::<export name>. Its public headers are installed under
# include/betapool/<dir>/ so that "core/executor.h" works everywhere.
function(betapool_library name)
  cmake_parse_arguments(ARG "" "EXPORT" "DEPENDS;SOURCES;HEADERS" ${ARGN})
  add_library(${name} ${ARG_SOURCES})
  add_library(betapool::${ARG_EXPORT} ALIAS ${name})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${ARG_EXPORT}
                                           POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${name} PRIVATE ${BETAPOOL_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS})
  target_sources(${name} PUBLIC FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}
                 FILES ${ARG_HEADERS})
  set_property(GLOBAL APPEND PROPERTY BETAPOOL_LIBRARIES ${name})
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
