# Install rules (TP_INSTALL, on when tierpool is the top-level project):
#   <prefix>/include/tierpool/       the public headers and the port's headers
#   <prefix>/lib/libtierpool*.a      tierpool, tierpool_st, tierpool_<port>_sys
#   <prefix>/lib/cmake/tierpool/     find_package(tierpool): tierpool::tierpool,
#                                    tierpool::tierpool_st, tierpool::sys
#   <prefix>/lib/pkgconfig/          tierpool.pc, tierpool_st.pc
include(CMakePackageConfigHelpers)

set(tp_install_targets tierpool tierpool_st)
if(TARGET tierpool_${TP_PORT}_sys)
    list(APPEND tp_install_targets tierpool_${TP_PORT}_sys)
endif()
install(TARGETS ${tp_install_targets} EXPORT tierpoolTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${TP_INSTALL_INCLUDEDIR})
file(GLOB tp_public_headers ${TP_ROOT}/include/*.h)
install(FILES ${tp_public_headers} DESTINATION ${TP_INSTALL_INCLUDEDIR})
if(NOT TP_PORT STREQUAL "none")
    file(GLOB tp_port_headers ${TP_ROOT}/port/${TP_PORT}/include/*.h)
    install(FILES ${tp_port_headers} DESTINATION ${TP_INSTALL_INCLUDEDIR})
endif()

set(tp_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tierpool)
install(EXPORT tierpoolTargets NAMESPACE tierpool:: DESTINATION ${tp_cmake_dir})
configure_package_config_file(${TP_ROOT}/cmake/tierpoolConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/tierpoolConfig.cmake INSTALL_DESTINATION ${tp_cmake_dir})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tierpoolConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tierpoolConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/tierpoolConfigVersion.cmake
        DESTINATION ${tp_cmake_dir})

# pkg-config, one file per variant. The flags are the targets' PUBLIC ones.
if(TP_PORT STREQUAL "none")
    set(tp_pc_port_cflags "")
else()
    set(tp_pc_port_cflags "-DTP_PORT_CONFIG")
endif()
if(TARGET tierpool_${TP_PORT}_sys)
    set(tp_pc_sys_lib "-ltierpool_${TP_PORT}_sys")
else()
    set(tp_pc_sys_lib "")
endif()
# prefix as a path relative to the .pc file, so that the installed tree can move.
file(RELATIVE_PATH tp_pc_prefix_rel ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" tp_pc_prefix_rel "${tp_pc_prefix_rel}")
foreach(variant tierpool tierpool_st)
    if(variant STREQUAL "tierpool")
        set(tp_pc_thread_safe 1)
        set(tp_pc_what "thread-safe, ${TP_PORT} port")
    else()
        set(tp_pc_thread_safe 0)
        set(tp_pc_what "single-threaded: no locking")
    endif()
    set(tp_pc_name ${variant})
    configure_file(${TP_ROOT}/cmake/tierpool.pc.in ${CMAKE_CURRENT_BINARY_DIR}/${variant}.pc @ONLY)
    install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${variant}.pc
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
