#!/usr/bin/env bash
# Static rules for the library (src/, include/, port/): the seed's banned calls,
# cppcheck, clang-tidy, and the public headers compiled as C++. Exits non-zero
# on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

lib_files=$(ls src/*.c include/*.h port/*/*.c port/*/*.h port/*/include/*.h 2>/dev/null || true)

echo "== banned calls in the library (malloc calloc realloc free sprintf strcpy strcat)"
# A call is the name followed by "(" and not preceded by an identifier character,
# '.', or '>' (so tp_free( and ->free( are fine). Comments are stripped first.
# The ESP-IDF port's documented one-time storage helper uses heap_caps_*, not these.
bad=0
for f in $lib_files; do
    hits=$(sed -e 's://.*$::' "$f" | perl -0pe 's{/\*.*?\*/}{}gs' |
           grep -nE '(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|free|sprintf|strcpy|strcat)[[:space:]]*\(' || true)
    if [ -n "$hits" ]; then
        echo "$f:"; echo "$hits"; bad=1
    fi
done
[ "$bad" = 0 ] || { echo "banned call found"; exit 1; }
echo "none"

# The LED controller's portable application code (examples/led-controller/app/)
# allocates only from its pool after start-up, and not at all from the heap: the
# same calls are banned there, and the heap-allocating string functions too.
# (Its platform layers may use the C library; the host server counts any heap
# call its own objects make after start-up: /health heap_allocs_after_start.)
echo "== heap calls in the LED controller's portable code (malloc calloc realloc free strdup strndup asprintf vasprintf sprintf strcpy strcat)"
app_files=$(ls examples/led-controller/app/*.c examples/led-controller/app/*.h 2>/dev/null || true)
for f in $app_files; do
    hits=$(sed -e 's://.*$::' "$f" | perl -0pe 's{/\*.*?\*/}{}gs' |
           grep -nE '(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|free|strdup|strndup|asprintf|vasprintf|sprintf|strcpy|strcat)[[:space:]]*\(' || true)
    if [ -n "$hits" ]; then
        echo "$f:"; echo "$hits"; bad=1
    fi
done
[ "$bad" = 0 ] || { echo "banned call found"; exit 1; }
echo "none"

echo "== the port's lock through TP_PORT_LOCK_INIT / TP_PORT_ENTER / TP_PORT_EXIT (tp_port.h)"
# A port may give its critical section inline (tp_port_config.h); code that calls
# tp_port_enter & co. by name pays two calls per section instead. Only the crash
# record's static ring lock, which nobody initialises, takes the out-of-line path.
hits=$(grep -nE '(^|[^A-Za-z0-9_])tp_port_(lock_init|enter|exit)[[:space:]]*\(' src/*.c examples/led-controller/app/*.c |
       grep -v '^src/tp_crash\.c:' || true)
[ -z "$hits" ] || { echo "$hits"; echo "out-of-line lock call: use the TP_PORT_* macros"; exit 1; }
echo "none"

portable_c=$(ls src/*.c port/host/*.c examples/led-controller/app/*.c 2>/dev/null)

echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
    --inline-suppr --suppress=missingIncludeSystem -Iinclude -Iport/host/include \
    -Iexamples/led-controller/app $portable_c

echo "== clang-tidy"
log=$(mktemp)
clang-tidy --quiet $portable_c -- -std=c11 -Iinclude -Iport/host/include \
    -Iexamples/led-controller/app -DTP_CFG_THREAD_SAFE=1 >"$log" 2>&1 || true
grep -v "warnings generated" "$log" || true
if grep -qE "(warning|error):" "$log"; then
    echo "clang-tidy findings"; exit 1
fi
echo "== public headers from C++ (g++, clang++)"
for cxx in g++ clang++; do
    $cxx -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only tests/cxx/public_headers.cpp
    # As a C++ unit of a CMake consumer sees them (TP_PORT=host: the port hook on,
    # whose C11-atomics lock is C only and must stay out of C++).
    $cxx -std=c++11 -Wall -Wextra -Werror -DTP_PORT_CONFIG -Iinclude -Iport/host/include \
        -fsyntax-only tests/cxx/public_headers.cpp
done
echo "ok"
echo "static checks passed"
