#!/bin/sh
# bench/ablate.sh - what the checks and statistics cost: builds a copy of the
# library with them cut out of tp_alloc/tp_free (NULL-pool checks, the live
# mark and double-free check, peak, bytes requested, frees) and prints its
# instructions per alloc+free pair inside the two functions (callgrind, the
# same `direct` loop as bench/run.sh). The copy is of the last commit (git
# archive HEAD: commit first to measure a change) and lives in a temporary folder;
# nothing here is part of the library. Usage: bench/ablate.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
git -C "$ROOT" archive HEAD | tar -x -C "$T"
python3 - "$T/src/tp_pool.c" <<'PY'
import re
import sys
p = sys.argv[1]; s = open(p).read()
cuts = [
    ("    if (n < t->low_water) {\n        t->low_water = n;\n    }\n", ""),
    ("    t->link[i] = TP_LINK_LIVE; /* I2: now handed out */\n    t->bytes_requested += size;", "    (void)size;"),
    ("    t->frees++;\n    POOL_EXIT(pool, irq);\n    return TP_OK;", "    POOL_EXIT(pool, irq);\n    return TP_OK;"),
    ("    if (pool == NULL) {\n        return NULL;\n    }\n#if TP_CFG_CHECK_INIT", "#if TP_CFG_CHECK_INIT"),
    ("    if (pool == NULL) {\n        return TP_ERR_INVALID_ARG;\n    }\n#if TP_CFG_CHECK_INIT\n    if (pool->magic != TP_POOL_MAGIC) {\n        return TP_ERR_INVALID_ARG;\n    }\n#endif\n    /* The first tier", "#if TP_CFG_CHECK_INIT\n    if (pool->magic != TP_POOL_MAGIC) {\n        return TP_ERR_INVALID_ARG;\n    }\n#endif\n    /* The first tier"),
    ("    if (link[i] != TP_LINK_LIVE) {\n        return free_double(pool, irq);\n    }\n", "    (void)free_double;\n"),
]
# Runs of spaces match any run of spaces or tabs: a change of alignment
# (clang-format) is not a change of code.
for a, b in cuts:
    pat = re.sub(r"(\\ )+", lambda m: "[ \\t]+", re.escape(a))
    s, n = re.subn(pat, lambda m: b, s, count=1)
    if n != 1:
        sys.exit("bench/ablate.sh: src/tp_pool.c changed; update the cuts (%r)" % a[:40])
open(p, "w").write(s)
PY
cmake -S "$T" -B "$T/b" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DTP_BUILD_TESTS=OFF -DTP_BUILD_BENCH=ON \
    -DTP_BUILD_POOLSIM=ON >"$T/cmake.log" 2>&1 || { cat "$T/cmake.log"; exit 1; }
cmake --build "$T/b" --target tp_bench_st >"$T/build.log" 2>&1 || { tail -30 "$T/build.log"; exit 1; }
mkdir "$T/cg"
(cd "$T/cg" && GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536 valgrind --tool=callgrind \
    --collect-atstart=no --toggle-collect=tp_alloc --toggle-collect=tp_free \
    --callgrind-out-file=cg.out "$T/b/bench/tp_bench_st" direct >log 2>&1)
echo "tierpool_st without NULL-pool checks, live mark / double-free check, peak, bytes requested, frees:"
echo "instructions per pair inside tp_alloc + tp_free (sizes as in bench/RESULTS.md):"
for f in "$T"/cg/cg.out.*; do
    d=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    t=$(sed -n 's/^summary: //p; s/^totals: //p' "$f" | head -1)
    case "$d" in
    "direct "*) n=${d##*n=}; echo "$d" | awk -v t="$t" -v n="$n" '{printf "  %s B: %.0f\n", $3, t / n}' ;;
    esac
done | sort -n -k1
