# poolsim never reports half a truth as a whole one (issue 10, "Honest output"):
# each check here failed before its fix.
# Run as: cmake -DPOOLSIM=path -DWORKDIR=dir -P honest.cmake

# run(<var> args...): exit code, stdout and stderr into <var>_rc, <var>_out, <var>_err.
macro(run var)
    execute_process(COMMAND ${POOLSIM} ${ARGN} WORKING_DIRECTORY ${WORKDIR}
        RESULT_VARIABLE ${var}_rc OUTPUT_VARIABLE ${var}_out ERROR_VARIABLE ${var}_err)
endmacro()

# Every check runs; the failures are listed at the end.
set(failures "")
macro(fail what)
    message("FAILED: ${what}")
    list(APPEND failures "${what}")
endmacro()

set(d ${WORKDIR}/honest)
file(REMOVE_RECURSE ${d})
file(MAKE_DIRECTORY ${d})

# " -1" is not a seed (strtoull skipped the space and wrapped it to 2^64 - 1).
foreach(v " -1" "+1" " 1" "1 " "")
    run(r run --hours 1 --seed "${v}")
    if(NOT r_rc EQUAL 2)
        fail("--seed '${v}': exit ${r_rc}, expected 2\n${r_err}")
    endif()
endforeach()

# --csv - gives exactly the CSV on stdout, the report on stderr: run, replay, sweep.
set(plain ${d}/t.tpev)
run(r run --hours 1 --ws-per-min 30 --emit-trace ${plain} --csv ${d}/r.csv --quiet)
foreach(cmd "run;--hours;1" "replay;${plain}" "sweep;--hours;1;--levels;0:8192;--step;8192")
    run(r ${cmd} --csv -)
    list(GET cmd 0 name)
    if(NOT r_rc EQUAL 0)
        fail("${name} --csv -: exit ${r_rc}\n${r_err}")
    endif()
    string(REGEX REPLACE "\n$" "" body "${r_out}")
    string(REPLACE "\n" ";" rows "${body}")
    list(GET rows 0 head)
    string(REGEX MATCHALL "," commas "${head}")
    list(LENGTH commas n)
    foreach(row ${rows})
        string(REGEX MATCHALL "," c "${row}")
        list(LENGTH c m)
        if(NOT m EQUAL n)
            fail("${name} --csv -: stdout has a line that is not a CSV row: '${row}'")
        endif()
    endforeach()
    if(NOT r_err MATCHES "verdict|background")
        fail("${name} --csv -: the report is not on stderr\n${r_err}")
    endif()
endforeach()
if(EXISTS ${WORKDIR}/-)
    fail("sweep --csv - wrote a file named '-'")
endif()

# A report whose stdout write fails exits 1 with a message.
foreach(cmd "run;--hours;1;--csv;/dev/null" "replay;${plain};--csv;/dev/null" "plan;${plain}"
            "sweep;--hours;1;--levels;0:0;--csv;/dev/null")
    execute_process(COMMAND ${POOLSIM} ${cmd} WORKING_DIRECTORY ${WORKDIR}
        RESULT_VARIABLE rc OUTPUT_FILE /dev/full ERROR_VARIABLE err)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "standard output")
        fail("${cmd} > /dev/full: exit ${rc}, expected 1 and a message\n${err}")
    endif()
endforeach()

# Output paths and option combinations are checked before any simulation:
# no report, no PNG on stdout from gnuplot, exit 1 (path) or 2 (combination).
foreach(cmd "run;--hours;1;--csv;${d}/no/x.csv" "run;--hours;1;--csv;${d}/x.csv;--plot;${d}/no/x.png"
            "replay;${plain};--csv;${d}/no/x.csv" "replay;${plain};--csv;${d}/x.csv;--plot;${d}/no/x.png"
            "plan;--hours;1;--header;${d}/no/x.h" "plan;${plain};--header;${d}/no/x.h"
            "sweep;--hours;1;--levels;0:0;--csv;${d}/no/x.csv")
    run(r ${cmd})
    if(NOT r_rc EQUAL 1 OR r_out MATCHES "verdict|plan for|background" OR r_out MATCHES "PNG" OR
       NOT r_err MATCHES "/no/x")
        fail("${cmd}: exit ${r_rc}, expected 1 before any report\nstdout: ${r_out}\nstderr: ${r_err}")
    endif()
endforeach()
foreach(cmd "run;--hours;1;--csv;-;--plot;${d}/p.png" "run;--hours;1;--csv;${d}/same;--emit-trace;${d}/same"
            "replay;${plain};--csv;-;--plot;${d}/p.png" "sweep;--hours;1;--levels;0:1073741824;--step;1")
    run(r ${cmd})
    if(NOT r_rc EQUAL 2 OR r_out MATCHES "verdict|background" OR r_err MATCHES "verdict|background")
        fail("${cmd}: exit ${r_rc}, expected 2 before any report\nstdout: ${r_out}\nstderr: ${r_err}")
    endif()
endforeach()

# A workload option given to a plan of a trace would be ignored: refused instead.
run(r plan ${plain} --hours 3)
if(NOT r_rc EQUAL 2 OR NOT r_err MATCHES "--hours sets the synthetic workload" OR r_out MATCHES "plan for")
    fail("plan TRACE --hours: exit ${r_rc}, expected 2 before any plan\nstdout: ${r_out}\nstderr: ${r_err}")
endif()

# A SystemView timestamp at or beyond 2^64 ns is an error naming its line, not a wrapped time.
file(WRITE ${d}/big.log
"[1.000000000] HEAP: Allocated 8 bytes @ 0x3ffb0000 from task \"main\" on core 0 by:
0x400d1234: main at main.c:12
[18446744073.709551616] HEAP: Freed bytes @ 0x3ffb0000 from task \"main\" on core 0 by:
0x400d1234: main at main.c:13
")
run(r replay ${d}/big.log)
if(NOT r_rc EQUAL 1 OR NOT r_err MATCHES "big.log:3:.*2\\^64" OR r_out MATCHES "verdict")
    fail("timestamp past 2^64 ns: exit ${r_rc}\nstdout: ${r_out}\nstderr: ${r_err}")
endif()
# ... and the largest one that fits replays.
file(WRITE ${d}/top.log
"[1.000000000] HEAP: Allocated 8 bytes @ 0x3ffb0000 from task \"main\" on core 0 by:
0x400d1234: main at main.c:12
[18446744073.709551615] HEAP: Freed bytes @ 0x3ffb0000 from task \"main\" on core 0 by:
0x400d1234: main at main.c:13
")
run(r replay ${d}/top.log --csv ${d}/top.csv --interval-min 1)
if(NOT r_rc EQUAL 0 OR NOT r_out MATCHES "HOLDS")
    fail("timestamp just below 2^64 ns: exit ${r_rc}\nstdout: ${r_out}\nstderr: ${r_err}")
endif()

# A trace with no allocation gets no verdict ("HOLDS: 0 of 0 allocations failed"), and no CSV.
file(WRITE ${d}/none.tpev "tpev 2\n# nothing recorded\nF 10 0x3ffb0000\n")
run(r replay ${d}/none.tpev --csv ${d}/none.csv)
if(NOT r_rc EQUAL 1 OR NOT r_err MATCHES "no allocation" OR r_out MATCHES "verdict" OR EXISTS ${d}/none.csv)
    fail("a trace without allocations: exit ${r_rc}\nstdout: ${r_out}\nstderr: ${r_err}")
endif()

# A failing heap's count from a run too long for the default spread is said to be one draw.
run(r run --hours 9 --arena 65536 --quiet --csv /dev/null)
if(NOT r_rc EQUAL 0 OR NOT r_out MATCHES "FAILS" OR NOT r_out MATCHES "spread: off[^\n]*ONE DRAW[^\n]*--spread 8")
    fail("a failing run without its spread: exit ${r_rc}, expected the count called one draw\n${r_out}${r_err}")
endif()

list(LENGTH failures n_failed)
if(n_failed GREATER 0)
    message(FATAL_ERROR "${n_failed} honest-output checks failed")
endif()
