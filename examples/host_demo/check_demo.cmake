# The demo must show, in this order: fragmentation ok -> warning, warning ->
# critical, the controlled reboot, and the record read back after it; its
# output must be the same on a second run (deterministic); and the report and
# crash record docs/diagnostics.md shows (DOC) must be this output's.
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

# docs/diagnostics.md's JSON example is the demo's last report (white space aside).
file(READ ${DOC} doc)
string(REGEX MATCH "```json\n[^`]*```" json "${doc}")
string(REGEX REPLACE "```(json)?" "" json "${json}")
string(REGEX REPLACE "[ \n]" "" json "${json}")
string(REGEX MATCH "last health report: [^\n]*" report "${out}")
string(REPLACE "last health report: " "" report "${report}")
if(json STREQUAL "" OR NOT json STREQUAL report)
    message(FATAL_ERROR "${DOC}'s JSON example is not the demo's report:\n${json}\n${report}")
endif()
# and every line of its crash record example is a line of the demo's record
string(REGEX MATCH "\\*\\*\\* TIERPOOL CRASH RECORD FROM PREVIOUS BOOT[^`]*" record "${doc}")
string(REPLACE ";" "<semicolon>" record "${record}") # a list separator to CMake
string(REPLACE "\n" ";" lines "${record}")
foreach(line IN LISTS lines)
    string(REPLACE "<semicolon>" ";" line "${line}")
    if(line STREQUAL "" OR line STREQUAL "  ...")
        continue()
    endif()
    string(FIND "${out}" "${line}\n" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${DOC}'s crash record line is not in the demo's output: '${line}'")
    endif()
endforeach()
