# The betapool-lab command (issue 4). Included by lab/CMakeLists.txt.
# The binary lands at the top of the build tree: ./build/betapool-lab.
add_executable(betapool-lab ${CMAKE_CURRENT_LIST_DIR}/main.cc)
target_link_libraries(betapool-lab PRIVATE betapool::lab absl::flags
                                           absl::flags_parse absl::flags_usage)
target_compile_options(betapool-lab PRIVATE ${BETAPOOL_WARNINGS})
set_target_properties(betapool-lab PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                              ${CMAKE_BINARY_DIR})
