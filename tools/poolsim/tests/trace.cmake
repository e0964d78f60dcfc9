# Trace parsers (ps_trace.c, compiled into ps_core): unit tests and end-to-end
# runs of poolsim on the traces shipped in tests/data.
set(TP_DATA_DIR ${PROJECT_SOURCE_DIR}/tests/data)
ps_add_test(poolsim_trace SOURCES tests/test_trace.c LIBS ps_core)
target_compile_definitions(poolsim_trace PRIVATE TP_DATA_DIR="${TP_DATA_DIR}")
ps_add_test(poolsim_esp_idf SOURCES tests/test_esp_idf.c LIBS ps_core)
target_compile_definitions(poolsim_esp_idf PRIVATE TP_DATA_DIR="${TP_DATA_DIR}")

if(TARGET poolsim)
    set(ps $<TARGET_FILE:poolsim>)
    # Replay of a real-format (ESP-IDF host log) trace: a complete report, exit 0.
    add_test(NAME poolsim_replay_sample
             COMMAND ${ps} replay ${TP_DATA_DIR}/device_1h.sysview --csv /dev/null)
    set_tests_properties(poolsim_replay_sample PROPERTIES
        PASS_REGULAR_EXPRESSION "verdict heap .*HOLDS: 0 of 1068 allocations failed")
    # The planner's configuration, replayed, fails nothing (both sample formats).
    foreach(f device_1h.sysview device_1h.tpev)
        add_test(NAME poolsim_plan_${f} COMMAND ${ps} plan ${TP_DATA_DIR}/${f})
        set_tests_properties(poolsim_plan_${f} PROPERTIES
            PASS_REGULAR_EXPRESSION "replay of the stream through this plan: 0 failed allocations")
    endforeach()
    # A malformed trace: file:line on stderr, exit 1, and no report printed.
    add_test(NAME poolsim_replay_malformed
             COMMAND sh -c "out=$(${ps} replay ${TP_DATA_DIR}/bad_sysview.log 2>&1); rc=$?; \
echo \"$out\"; [ $rc -eq 1 ] && echo \"$out\" | grep -q 'bad_sysview.log:2:' && \
! echo \"$out\" | grep -q verdict")
    # Every real ESP-IDF output replays (or, a dump, is analysed) with a CSV.
    add_test(NAME poolsim_real_outputs
             COMMAND ${CMAKE_COMMAND} -DPOOLSIM=${ps} -DDATA=${TP_DATA_DIR}/esp-idf
                     -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/tests/real_outputs.cmake)
    # A heap_trace_dump: analysed (live set, sizes), and it says it cannot replay in time.
    add_test(NAME poolsim_replay_dump COMMAND ${ps} replay ${TP_DATA_DIR}/dump_xtensa.txt)
    set_tests_properties(poolsim_replay_dump PROPERTIES
        PASS_REGULAR_EXPRESSION "cannot replay it in time.*1 still alive holding 24 bytes")
endif()
