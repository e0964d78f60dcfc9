# expect(CODE FRAGMENT ARGS...): poolsim ARGS, run in WORKDIR, must exit with
# CODE and print FRAGMENT (on stdout or stderr); else the script fails with
# both outputs. For the -P scripts that test poolsim's command line (cli.cmake,
# cli_heap.cmake), which set POOLSIM and WORKDIR.
function(expect code fragment)
    execute_process(COMMAND ${POOLSIM} ${ARGN}
        WORKING_DIRECTORY ${WORKDIR}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL code)
        message(FATAL_ERROR "poolsim ${ARGN}: exit ${rc}, expected ${code}\nstdout: ${out}\nstderr: ${err}")
    endif()
    string(FIND "${out}${err}" "${fragment}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "poolsim ${ARGN}: output lacks '${fragment}'\nstdout: ${out}\nstderr: ${err}")
    endif()
endfunction()
