# install(EXPORT) so that find_package(betapool) gives betapool::betapool
# (and each floor: betapool::core, ::policies, ::sensors, ::collectors),
# with includes rooted as in the repository ("core/executor.h").
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

configure_package_config_file(cmake/betapoolConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfig.cmake
  INSTALL_DESTINATION ${BETAPOOL_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/betapoolConfigVersion.cmake
        DESTINATION ${BETAPOOL_CMAKE_DIR})
