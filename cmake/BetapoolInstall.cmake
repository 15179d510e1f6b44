# install(EXPORT) so that find_package(betapool) gives betapool::betapool
# (and each floor: betapool::core, ::policies, ::sensors, ::collectors, and
# betapool::testing when it is built), with includes rooted as in the
# repository ("core/executor.h").
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(BETAPOOL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/betapool)

get_property(betapool_libraries GLOBAL PROPERTY BETAPOOL_LIBRARIES)
install(TARGETS ${betapool_libraries} EXPORT betapoolTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/betapool)
install(EXPORT betapoolTargets NAMESPACE betapool::
        DESTINATION ${BETAPOOL_CMAKE_DIR})

# The config looks for GoogleTest only in a package that has
# betapool::testing, so a consumer of the library alone needs no GoogleTest.
if(TARGET betapool_testing)
  set(BETAPOOL_PACKAGE_HAS_TESTING ON)
else()
  set(BETAPOOL_PACKAGE_HAS_TESTING OFF)
endif()
configure_package_config_file(cmake/betapoolConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfig.cmake
  INSTALL_DESTINATION ${BETAPOOL_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfigVersion.cmake
        DESTINATION ${BETAPOOL_CMAKE_DIR})
