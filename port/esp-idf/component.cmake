# ESP-IDF component registration (ESP-IDF 5.x), include()d by the repository's
# top-level CMakeLists.txt when ESP-IDF builds it (ESP_PLATFORM is set).
# The source lists come from cmake/tierpool_sources.cmake, like every other build.
set(tp_root ${CMAKE_CURRENT_LIST_DIR}/../..)
set(tp_srcs ${TP_CORE_SOURCES} ${TP_DIAG_SOURCES} ${TP_APP_SOURCES})
list(TRANSFORM tp_srcs PREPEND ${tp_root}/)

idf_component_register(
    SRCS ${tp_srcs}
         ${CMAKE_CURRENT_LIST_DIR}/tp_port_espidf.c
         ${CMAKE_CURRENT_LIST_DIR}/tp_sys_espidf.c
         ${CMAKE_CURRENT_LIST_DIR}/tp_espidf.c
    INCLUDE_DIRS ${tp_root}/include ${CMAKE_CURRENT_LIST_DIR}/include
    # Public: tp_port_config.h (through tierpool.h) includes freertos/FreeRTOS.h
    # for the inline portMUX lock.
    REQUIRES freertos
    PRIV_REQUIRES heap esp_system esp_timer log
    # The stack-overflow hook and the panic wrap live in a static library:
    # without WHOLE_ARCHIVE the linker would not pull them in.
    WHOLE_ARCHIVE)

target_compile_options(${COMPONENT_LIB} PRIVATE -Wall -Wextra -Werror)
# The port hook (tp_config.h): include port/esp-idf/include/tp_port_config.h,
# which maps menuconfig's CONFIG_TP_* onto TP_CFG_* and gives the portMUX lock
# inline. PUBLIC: every file that includes tierpool.h must see the same
# options as the library.
target_compile_definitions(${COMPONENT_LIB} PUBLIC TP_PORT_CONFIG)
if(CONFIG_TP_CRASH_RECORD)
    # --wrap makes every call to esp_panic_handler go through ours first;
    # -u keeps our vApplicationStackOverflowHook over ESP-IDF's weak default.
    # (--wrap is incompatible with LTO.)
    target_link_libraries(${COMPONENT_LIB} INTERFACE
        "-Wl,--wrap=esp_panic_handler" "-u vApplicationStackOverflowHook")
endif()
