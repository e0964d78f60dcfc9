#!/usr/bin/env bash
# Instructions per alloc+free pair on a Cortex-M3 (QEMU mps2-an385, -icount
# shift=0: an exact count, see bench/cm3_pairs.c), for the single-threaded
# build and the thread-safe one (the PRIMASK critical section, inline from the
# bare-metal port), at -O2 and -Os. Prints one line per (opt, build, size):
#   cm3 <opt> pair <size> thread_safe=<0|1> insns <n.nnn>
# bench/cm3.sh --trace: the cross-check. Builds -O2 with 50 pairs, runs QEMU
# one instruction per translation block with its execution trace (-d exec),
# and counts the instructions executed inside tp_alloc and tp_free per call:
#   cm3-trace O2 pair <size> thread_safe=<0|1> insns inside tp_alloc+tp_free <n>
# Needs arm-none-eabi-gcc, libnewlib-arm-none-eabi and qemu-system-arm.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
lib="src/tp_pool.c src/tp_default.c"
qemu="qemu-system-arm -M mps2-an385 -cpu cortex-m3 -display none -monitor none -serial none
      -icount shift=0 -semihosting-config enable=on,target=native"
build() { # $1 = elf, $2 = -O level, $3 = thread-safe, $4... = more flags
    local elf=$1 opt=$2 ts=$3; shift 3
    arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=rdimon.specs -$opt -DNDEBUG -std=gnu11 \
        -Wall -Wextra -Werror -DTP_CFG_THREAD_SAFE=$ts -DTP_PORT_CONFIG -Iinclude \
        -Iport/baremetal/include "$@" -T tests/baremetal/mps2_an385.ld tests/baremetal/startup.c \
        port/baremetal/tp_port_baremetal.c $lib bench/cm3_pairs.c -o "$elf"
}

if [ "${1:-}" = "--trace" ]; then
    for ts in 0 1; do
        elf=$out/trace_$ts.elf
        build "$elf" O2 $ts -DPAIRS=50u
        $qemu -singlestep -d exec,nochain -D "$out/trace_$ts.log" -kernel "$elf" >/dev/null
        syms=$(arm-none-eabi-nm -S "$elf" | awk '$4 == "tp_alloc" || $4 == "tp_free" { print $1, $2 }')
        # Each trace line names the executed instruction's address. A call is a
        # run of consecutive lines inside tp_alloc or tp_free; the program makes
        # 150 pairs per size (100 warm-up, 50 measured), sizes 64, 256, 1000, 4096.
        python3 - "$out/trace_$ts.log" $ts $syms <<'PY'
import re, sys
log, ts = sys.argv[1], sys.argv[2]
ranges = [(int(a, 16), int(a, 16) + int(b, 16)) for a, b in zip(sys.argv[3::2], sys.argv[4::2])]
runs, n = [], 0
with open(log) as f:
    for line in f:
        m = re.search(r"/([0-9a-f]+)/", line)
        if not m:
            continue
        if any(lo <= int(m.group(1), 16) < hi for lo, hi in ranges):
            n += 1
        elif n:
            runs.append(n)
            n = 0
pairs = [runs[i] + runs[i + 1] for i in range(0, len(runs) - 1, 2)]
for k, size in enumerate((64, 256, 1000, 4096)):
    chunk = set(pairs[k * 150:(k + 1) * 150])
    print("cm3-trace O2 pair %d thread_safe=%s insns inside tp_alloc+tp_free %s" %
          (size, ts, "/".join(str(v) for v in sorted(chunk))))
PY
    done
    exit 0
fi

for opt in O2 Os; do
    for ts in 0 1; do
        elf=$out/cm3_pairs_${opt}_$ts.elf
        build "$elf" $opt $ts
        $qemu -kernel "$elf" | sed "s/^/cm3 $opt /"
    done
done
