# What `cmake --install` puts under the prefix, and the Debian package.
#   include/rsmapi.h, include/rsmsim/testbench.h    the C API (C and C++)
#   lib/librsm.so.2 (+ SONAME links)                 the rsmapi, for any program
#   lib/librsmsim.so.0 (+ links)                     the simulator: one -lrsmsim
#   bin/rsmsim                                       the simulator program
#   lib/librsmsim_clock.so                           preloaded by rsmsim exec: simulated time
#   lib/pkgconfig/rsm.pc, rsmsim.pc                  pkg-config --cflags --libs
#   lib/cmake/rsmsim/                                find_package(rsmsim): rsmsim::rsm, rsmsim::rsmsim
#   share/man/man1/rsmsim.1                          man rsmsim

# The simulator as one shared library: the cluster, the model and the
# verilated core, whole (testbench programs link it and nothing else).
add_library(rsmsim_shared SHARED sim/src/shared_library.cpp)
# (Raw --whole-archive: the archives also reach each other through their
# own link interfaces, which CMake's WHOLE_ARCHIVE feature refuses to mix.)
add_dependencies(rsmsim_shared rsmsim_core rsmsim_model rtl_models fst_writer)
target_link_libraries(rsmsim_shared
  PUBLIC rsm
  PRIVATE -Wl,--whole-archive $<TARGET_FILE:rsmsim_core> $<TARGET_FILE:rsmsim_model> $<TARGET_FILE:rtl_models>
          $<TARGET_FILE:fst_writer>
          -Wl,--no-whole-archive PkgConfig::SYSTEMC tomlplusplus::tomlplusplus ZLIB::ZLIB Threads::Threads)
target_include_directories(rsmsim_shared PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/sim/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(rsmsim_shared PROPERTIES OUTPUT_NAME rsmsim VERSION ${PROJECT_VERSION} SOVERSION 0
                                              EXPORT_NAME rsmsim INSTALL_RPATH "$ORIGIN")
set_target_properties(rsm PROPERTIES EXPORT_NAME rsm)
target_include_directories(rsm PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(rsmsim PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")

install(TARGETS rsm rsmsim_shared EXPORT rsmsimTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Unspecified)
install(TARGETS rsmsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS rsmsim_clock LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})   # beside librsm: rsmsim exec finds it there
install(FILES driver/include/rsmapi.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES sim/include/rsmsim/testbench.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rsmsim)
install(FILES docs/man/rsmsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# pkg-config: the prefix is taken from the .pc file's own place, so an
# installed tree can be moved (and a DEB extracted anywhere) and still work.
foreach(pc rsm rsmsim)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

include(CMakePackageConfigHelpers)
install(EXPORT rsmsimTargets NAMESPACE rsmsim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rsmsim)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rsmsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/rsmsimConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rsmsim)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rsmsimConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rsmsimConfig.cmake ${PROJECT_BINARY_DIR}/rsmsimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rsmsim)

# cpack -G DEB (from the build directory): dependencies from the libraries'
# own needs (dpkg-shlibdeps), so they are Debian 12 packages by construction.
set(CPACK_PACKAGE_NAME rsmsim)
set(CPACK_PACKAGE_VENDOR "rsmsim")
set(CPACK_PACKAGE_CONTACT "rsmsim developers <rsmsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SCI-style cluster adapter simulator and its rsmapi driver (librsm)")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
include(CPack)
