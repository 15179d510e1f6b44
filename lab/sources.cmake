# The real-thread lab (issue 4): workloads, the simulated GIL, arrival
# processes, the load driver and the betapool-lab command's parts.
list(APPEND BETAPOOL_LAB_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/burst_arrival_generator.cc
  ${CMAKE_CURRENT_LIST_DIR}/cpu_burner.cc
  ${CMAKE_CURRENT_LIST_DIR}/cpu_hog.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab_config.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab_runner.cc
  ${CMAKE_CURRENT_LIST_DIR}/load_driver.cc
  ${CMAKE_CURRENT_LIST_DIR}/machine_conditions.cc
  ${CMAKE_CURRENT_LIST_DIR}/measurement_protocol.cc
  ${CMAKE_CURRENT_LIST_DIR}/plot_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/poisson_arrival_generator.cc
  ${CMAKE_CURRENT_LIST_DIR}/process_stats.cc
  ${CMAKE_CURRENT_LIST_DIR}/progress_line.cc
  ${CMAKE_CURRENT_LIST_DIR}/protocol_records.cc
  ${CMAKE_CURRENT_LIST_DIR}/record_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/simulated_gil.cc
  ${CMAKE_CURRENT_LIST_DIR}/tenant_cgroups.cc
  ${CMAKE_CURRENT_LIST_DIR}/trace_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/trace_recorder.cc
  ${CMAKE_CURRENT_LIST_DIR}/workload_catalog.cc
  ${CMAKE_CURRENT_LIST_DIR}/workload_generator.cc)
