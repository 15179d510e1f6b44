# The virtual-time simulator, its scenarios, the oracle and A/B comparison.
list(APPEND BETAPOOL_LAB_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ab_comparison.cc
  ${CMAKE_CURRENT_LIST_DIR}/ab_decisions.cc
  ${CMAKE_CURRENT_LIST_DIR}/distribution.cc
  ${CMAKE_CURRENT_LIST_DIR}/oracle.cc
  ${CMAKE_CURRENT_LIST_DIR}/scenario.cc
  ${CMAKE_CURRENT_LIST_DIR}/scenarios.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_cpu_sensor.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_engine.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_machine.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_pool.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_stats.cc
  ${CMAKE_CURRENT_LIST_DIR}/simulator.cc
  ${CMAKE_CURRENT_LIST_DIR}/trace_scenario.cc)
