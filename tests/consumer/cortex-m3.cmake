# CMake toolchain file: Cortex-M3 with arm-none-eabi-gcc (Debian's
# gcc-arm-none-eabi), for building tierpool with TP_PORT=baremetal
# (scripts/check_consumers.sh). A firmware uses its own.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb")
# No host executable can be linked for the target while CMake checks the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
