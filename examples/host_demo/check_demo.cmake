# The demo must show, in this order: fragmentation ok -> warning, warning ->
# critical, the controlled reboot, and the record read back after it; and
# its output must be the same on a second run (deterministic).
file(REMOVE ${FILE})
execute_process(COMMAND ${DEMO} ${FILE} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "tp_host_demo exited ${rc}")
endif()
set(rest "${out}")
foreach(step
        "health: fragmentation ok -> warning"
        "health: fragmentation warning -> critical"
        "save critical data"
        "health: controlled reboot \\(fragmentation\\)"
        "=== boot 2 ==="
        "reason: reboot_fragmentation"
        "health after reboot: ok")
    string(REGEX MATCH "${step}.*" found "${rest}")
    if(NOT found)
        message(FATAL_ERROR "missing (or out of order): ${step}")
    endif()
    set(rest "${found}")
endforeach()
file(REMOVE ${FILE})
execute_process(COMMAND ${DEMO} ${FILE} OUTPUT_VARIABLE out2)
if(NOT out STREQUAL out2)
    message(FATAL_ERROR "output differs between two runs")
endif()
