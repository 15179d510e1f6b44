# Executables of the simulator (include from lab/CMakeLists.txt after the
# betapool_lab library is defined).
#
# betapool-ab-table: regenerates the A/B table in docs/policies.md.
if(TARGET betapool_lab)
  add_executable(betapool-ab-table ${CMAKE_CURRENT_LIST_DIR}/ab_table_main.cc)
  target_link_libraries(betapool-ab-table PRIVATE betapool::lab absl::flags
                                                  absl::flags_parse)
  target_compile_options(betapool-ab-table PRIVATE ${BETAPOOL_WARNINGS})
endif()
