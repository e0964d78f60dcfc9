# Source lists shared by every build of tierpool: the host CMake build, the
# ESP-IDF component, the Cortex-M test images and the memory-budget script.
# Paths are relative to the repository root.
set(TP_CORE_SOURCES
    src/tp_pool.c
    src/tp_default.c
)
# Diagnostics and recovery modules (portable; they reach the system through tp_sys.h).
set(TP_DIAG_SOURCES
    src/tp_diag_util.c
    src/tp_crash.c
    src/tp_stack.c
    src/tp_health.c
    src/tp_gate.c
    src/tp_track.c
    src/tp_evline.c
)
# Application pieces (portable): frame intake, item store, DMA buffer sets, LED double buffer.
set(TP_APP_SOURCES
    src/tp_frame.c
    src/tp_store.c
    src/tp_dma.c
    src/tp_ledbuf.c
)
# The ports' locks (tp_port.h); their tp_sys.h implementations are separate
# libraries (tierpool::sys), chosen in CMakeLists.txt.
set(TP_PORT_HOST_SOURCES port/host/tp_port_host.c)
set(TP_PORT_BAREMETAL_SOURCES port/baremetal/tp_port_baremetal.c)
