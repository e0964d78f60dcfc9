# poolsim's exit codes and messages: 0 done, 1 input error, 2 usage error.
# Run as: cmake -DPOOLSIM=path -DWORKDIR=dir -P cli.cmake

include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

# help
expect(0 "commands:" --help)
expect(0 "--ws-per-min" run --help)
expect(0 "TRACE" replay --help)
expect(0 "--headroom" plan --help)
expect(0 "--levels" sweep --help)
# usage errors: exit 2 and what is accepted
expect(2 "usage:")
expect(2 "expected run, replay, plan or sweep" frobnicate)
expect(2 "unknown option '--nope'" run --nope)
expect(2 "expected an integer in 1..8760" run --hours 0)
expect(2 "expected an integer in 1..8760" run --hours abc)
expect(2 "expected an integer in 1..8760" run --hours=-3)
expect(2 "expected MIN:MAX" run --ws-size 100:50)
expect(2 "expected MIN:MAX" run --ws-size 0:50)
expect(2 "expected none, light or comprehensive" run --poison heavy)
expect(2 "counts 1..65534" run --tiers 256x64,1024)
expect(2 "not within 1..65534" run --tiers 256x70000)
expect(2 "strictly increase" run --tiers 1024x1,256x1)
expect(2 "needs a value" run --seed)
expect(2 "takes no value" run --progress=1)
expect(2 "missing TRACE" replay)
expect(2 "unexpected argument" run extra)
expect(2 "unknown option '--headroom'" run --headroom 10)
expect(2 "expected an integer in 0..1000" plan --headroom 5000)
expect(2 "expected an integer in 64..1073741824" run --arena 10)
# input errors: exit 1
expect(1 "cannot write" run --hours 1 --csv ${WORKDIR}/no-such-dir/x.csv)
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../ps_trace.c)
    expect(1 "no-such-trace" replay ${WORKDIR}/no-such-trace.txt)
    expect(1 "no-such-trace" plan ${WORKDIR}/no-such-trace.txt)
endif()
# a short run works and writes its CSV
expect(0 "verdict heap" run --hours 1 --csv ${WORKDIR}/cli-test.csv)
file(READ ${WORKDIR}/cli-test.csv csv)
string(FIND "${csv}" "heap_total_free" at)
if(at EQUAL -1)
    message(FATAL_ERROR "CSV lacks its header")
endif()
# no gnuplot on PATH: a note, the CSV, and success
execute_process(COMMAND ${CMAKE_COMMAND} -E env PATH=/nonexistent ${POOLSIM} run --hours 1 --quiet
                        --csv ${WORKDIR}/cli-noplot.csv --plot ${WORKDIR}/cli-noplot.png
    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "gnuplot is not on PATH" OR NOT EXISTS ${WORKDIR}/cli-noplot.csv)
    message(FATAL_ERROR "run without gnuplot: exit ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
# a synthetic plan, written as a header
expect(0 "replay of the stream through this plan: 0 failed" plan --hours 1 --header ${WORKDIR}/cli-plan.h)
file(READ ${WORKDIR}/cli-plan.h header)
string(FIND "${header}" "#define TP_CFG_DEFAULT_TIERS(X)" at)
if(at EQUAL -1)
    message(FATAL_ERROR "header lacks TP_CFG_DEFAULT_TIERS")
endif()
expect(0 "heap search: the heap model serves the stream with no failure in a single heap region of" plan --hours 1 --heap-search)
# ... and the library accepts it: as the default pool's configuration, and as an array
if(CC AND TP_INCLUDE)
    file(WRITE ${WORKDIR}/cli-plan-check.c
"#include \"cli-plan.h\"
#include \"tierpool.h\"
#include \"cli-plan.h\"
#define COUNT_TIER(size, count) +1
_Static_assert(0 TP_CFG_DEFAULT_TIERS(COUNT_TIER) == POOLSIM_TIER_COUNT, \"X-macro\");
_Static_assert(sizeof poolsim_tiers / sizeof poolsim_tiers[0] == POOLSIM_TIER_COUNT, \"array\");
int main(void) { return poolsim_tiers[0].block_size == 0; }
")
    execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror -fsyntax-only -I${TP_INCLUDE} -I${WORKDIR}
                            ${WORKDIR}/cli-plan-check.c
        RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "the planned header does not compile with tierpool.h:\n${err}")
    endif()
endif()

# End to end through the trace parsers (when ps_trace.c is in the build): a
# generated stream written as a plain trace, replayed and planned; then a
# broken copy must fail with file:line and no report.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../ps_trace.c)
    expect(0 "verdict heap" run --hours 1 --ws-per-min 60 --emit-trace ${WORKDIR}/cli-e2e.tpev
           --csv ${WORKDIR}/cli-e2e-run.csv)
    expect(0 "verdict pools" replay ${WORKDIR}/cli-e2e.tpev --csv ${WORKDIR}/cli-e2e-replay.csv)
    expect(0 "replay of the stream through this plan: 0 failed" plan ${WORKDIR}/cli-e2e.tpev)
    file(READ ${WORKDIR}/cli-e2e.tpev good)
    file(WRITE ${WORKDIR}/cli-e2e-bad.tpev "${good}A 12 zz\n")
    execute_process(COMMAND ${POOLSIM} replay ${WORKDIR}/cli-e2e-bad.tpev
        WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "cli-e2e-bad.tpev:[0-9]+:" OR out MATCHES "verdict")
        message(FATAL_ERROR "broken trace: exit ${rc}\nstdout: ${out}\nstderr: ${err}")
    endif()
endif()
