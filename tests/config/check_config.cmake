# tp_config.h's #error checks: every option value outside its documented range
# stops the build with a message naming the option, and the edges of each range
# build. Run by ctest (test_config_checks): cmake -DCC=<compiler> -DROOT=<repo> -P
cmake_minimum_required(VERSION 3.16)
set(probe ${ROOT}/tests/config/probe.c)
set(failures 0)

function(compile result_var err_var)
    execute_process(COMMAND ${CC} -std=c11 -fsyntax-only -Werror -I${ROOT}/include ${ARGN} ${probe}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    set(${result_var} ${rc} PARENT_SCOPE)
    set(${err_var} "${err}" PARENT_SCOPE)
endfunction()

# Refused: "definitions|name the message must contain" (definitions split on ',').
set(refused
    "-DTP_CFG_THREAD_SAFE=2|TP_CFG_THREAD_SAFE"
    "-DTP_CFG_MAX_TIERS=0|TP_CFG_MAX_TIERS"
    "-DTP_CFG_MAX_TIERS=33|TP_CFG_MAX_TIERS"
    "-DTP_CFG_STORAGE_ALIGN=48|TP_CFG_STORAGE_ALIGN"
    "-DTP_CFG_STORAGE_ALIGN=2|TP_CFG_STORAGE_ALIGN"
    "-DTP_CFG_STORAGE_ALIGN=8192|TP_CFG_STORAGE_ALIGN"
    "-DTP_CFG_TRACKING=3|TP_CFG_TRACKING"
    "-DTP_CFG_CHECK_INIT=2|TP_CFG_CHECK_INIT"
    "-DTP_CFG_TRACK_MAX=0|TP_CFG_TRACK_MAX"
    "-DTP_CFG_CRASH_OPS=0|TP_CFG_CRASH_OPS"
    "-DTP_CFG_CRASH_OPS=257|TP_CFG_CRASH_OPS"
    "-DTP_CFG_CRASH_POOLS=0|TP_CFG_CRASH_POOLS"
    "-DTP_CFG_CRASH_TIERS=33|TP_CFG_CRASH_TIERS"
    "-DTP_CFG_TASK_NAME_LEN=1|TP_CFG_TASK_NAME_LEN"
    "-DTP_CFG_PERSIST_BYTES=1026|TP_CFG_PERSIST_BYTES"
    "-DTP_CFG_PERSIST_BYTES=128|TP_CFG_PERSIST_BYTES"
    "-DTP_CFG_PERSIST_BYTES=8192|TP_CFG_PERSIST_BYTES"
    "-DTP_CFG_CRASH_RECORD=-1|TP_CFG_CRASH_RECORD"
    "-DTP_CFG_STACK_TASKS=0|TP_CFG_STACK_TASKS"
    "-DTP_CFG_STACK_PERSIST=0|TP_CFG_STACK_PERSIST"
    "-DTP_CFG_STACK_WARN_PCT=101|TP_CFG_STACK_WARN_PCT"
    "-DTP_CFG_STACK_GROW_PCT=0|TP_CFG_STACK_GROW_PCT"
    "-DTP_CFG_STACK_CAP_BYTES=255|TP_CFG_STACK_CAP_BYTES"
    "-DTP_CFG_HEALTH_POOLS=0|TP_CFG_HEALTH_POOLS"
    "-DTP_CFG_HEALTH_FRAG_WARN_PCT=90|TP_CFG_HEALTH_FRAG_WARN_PCT"
    "-DTP_CFG_HEALTH_FRAG_CRIT_PCT=101|TP_CFG_HEALTH_FRAG_CRIT_PCT"
    "-DTP_CFG_HEALTH_FRAG_RELATIVE=2|TP_CFG_HEALTH_FRAG_RELATIVE"
    "-DTP_CFG_HEALTH_FREE_CRIT_KB=60|TP_CFG_HEALTH_FREE_CRIT_KB"
    "-DTP_CFG_HEALTH_BLOCK_CRIT_KB=17|TP_CFG_HEALTH_BLOCK_CRIT_KB"
    "-DTP_CFG_HEALTH_POOL_WARN_PCT=96|TP_CFG_HEALTH_POOL_WARN_PCT"
    "-DTP_CFG_HEALTH_HYST_PCT=101|TP_CFG_HEALTH_HYST_PCT"
    "-DTP_CFG_HEALTH_HYST_KB=-1|TP_CFG_HEALTH_HYST_KB"
    "-DTP_CFG_HEALTH_LARGEST_INTERVAL_MS=0|TP_CFG_HEALTH_LARGEST_INTERVAL_MS"
    "-DTP_PORT_LOCK_WORDS=0|TP_PORT_LOCK_WORDS"
    "-DTP_CFG_STORE_KEY_LEN=1|TP_CFG_STORE_KEY_LEN"
    "-DTP_CFG_STORE_KEY_LEN=257|TP_CFG_STORE_KEY_LEN"
    "-DTP_CFG_STORE_MAX_SLOTS=1|TP_CFG_STORE_MAX_SLOTS"
    "-DTP_CFG_STORE_MAX_SLOTS=256|TP_CFG_STORE_MAX_SLOTS"
    "-DTP_CFG_DMA_MAX_BUFFERS=0|TP_CFG_DMA_MAX_BUFFERS"
    "-DTP_CFG_DMA_MAX_BUFFERS=33|TP_CFG_DMA_MAX_BUFFERS"
    "-DTP_CFG_DMA_ALIGN=0|TP_CFG_DMA_ALIGN"
    "-DTP_CFG_DMA_ALIGN=12|TP_CFG_DMA_ALIGN"
    "-DTP_CFG_DMA_ALIGN=128|TP_CFG_DMA_ALIGN")
# Accepted: the defaults, and the edges of each range.
set(accepted
    ""
    "-DTP_CFG_THREAD_SAFE=0"
    "-DTP_CFG_MAX_TIERS=1" "-DTP_CFG_MAX_TIERS=32"
    "-DTP_CFG_STORAGE_ALIGN=4" "-DTP_CFG_STORAGE_ALIGN=4096"
    "-DTP_CFG_CRASH_OPS=1" "-DTP_CFG_CRASH_OPS=256"
    "-DTP_CFG_TASK_NAME_LEN=2" "-DTP_CFG_TASK_NAME_LEN=64"
    "-DTP_CFG_PERSIST_BYTES=256" "-DTP_CFG_PERSIST_BYTES=4096"
    "-DTP_CFG_HEALTH_FRAG_WARN_PCT=85"
    "-DTP_CFG_HEALTH_FREE_CRIT_KB=50"
    "-DTP_CFG_HEALTH_POOL_WARN_PCT=95"
    "-DTP_CFG_STORE_KEY_LEN=2" "-DTP_CFG_STORE_KEY_LEN=256"
    "-DTP_CFG_STORE_MAX_SLOTS=2" "-DTP_CFG_STORE_MAX_SLOTS=255"
    "-DTP_CFG_DMA_MAX_BUFFERS=1" "-DTP_CFG_DMA_MAX_BUFFERS=32"
    "-DTP_CFG_DMA_ALIGN=1" "-DTP_CFG_DMA_ALIGN=64"
    "-DESP_PLATFORM" "-DESP_PLATFORM,-DARDUINO=10819,-DARDUINO_ARCH_ESP32")

foreach(case IN LISTS refused)
    string(REPLACE "|" ";" parts "${case}")
    list(GET parts 0 defs)
    list(GET parts 1 name)
    string(REPLACE "," ";" defs "${defs}")
    compile(rc err ${defs})
    if(rc EQUAL 0)
        message(SEND_ERROR "accepted, should be refused: ${defs}")
        math(EXPR failures "${failures} + 1")
    elseif(NOT err MATCHES "#error[^\n]*${name}")
        message(SEND_ERROR "refused without an #error naming ${name}: ${defs}\n${err}")
        math(EXPR failures "${failures} + 1")
    endif()
endforeach()
foreach(case IN LISTS accepted)
    string(REPLACE "," ";" defs "${case}")
    compile(rc err ${defs})
    if(NOT rc EQUAL 0)
        message(SEND_ERROR "refused, should be accepted: '${defs}'\n${err}")
        math(EXPR failures "${failures} + 1")
    endif()
endforeach()
# Values each within range that together overflow the persistent region: the
# crash record's source stops the build naming TP_CFG_PERSIST_BYTES (a static
# assertion; the preprocessor cannot see struct sizes), and fitting ones build.
set(crash_src ${ROOT}/src/tp_crash.c)
foreach(defs "-DTP_CFG_CRASH_OPS=256" "-DTP_CFG_CRASH_OPS=256,-DTP_CFG_PERSIST_BYTES=4096"
             "-DTP_CFG_CRASH_POOLS=16,-DTP_CFG_CRASH_TIERS=32")
    string(REPLACE "," ";" d "${defs}")
    execute_process(COMMAND ${CC} -std=c11 -fsyntax-only -Werror -I${ROOT}/include ${d} ${crash_src}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    if(rc EQUAL 0)
        message(SEND_ERROR "tp_crash.c accepted a record that overflows the persistent region: ${defs}")
        math(EXPR failures "${failures} + 1")
    elseif(NOT err MATCHES "TP_CFG_PERSIST_BYTES")
        message(SEND_ERROR "tp_crash.c refused ${defs} without naming TP_CFG_PERSIST_BYTES\n${err}")
        math(EXPR failures "${failures} + 1")
    endif()
endforeach()
foreach(defs "" "-DTP_CFG_CRASH_OPS=200,-DTP_CFG_PERSIST_BYTES=4096" "-DTP_CFG_PERSIST_BYTES=1024")
    string(REPLACE "," ";" d "${defs}")
    execute_process(COMMAND ${CC} -std=c11 -fsyntax-only -Werror -I${ROOT}/include ${d} ${crash_src}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
    if(NOT rc EQUAL 0)
        message(SEND_ERROR "tp_crash.c refused a record that fits: '${defs}'\n${err}")
        math(EXPR failures "${failures} + 1")
    endif()
endforeach()

list(LENGTH refused n_refused)
list(LENGTH accepted n_accepted)
if(failures)
    message(FATAL_ERROR "${failures} tp_config.h check(s) wrong")
endif()
message(STATUS "tp_config.h: ${n_refused} bad values refused by name, ${n_accepted} good configurations accepted")
