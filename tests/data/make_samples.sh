#!/usr/bin/env bash
# Regenerates the device-like sample traces from poolsim's own synthetic workload
# (deterministic: the same poolsim gives the same files).
#   device_1h.tpev    tierpool plain events, one simulated hour at low rates
#   device_1h.sysview the same events as an ESP-IDF host-based heap log
# Usage: tests/data/make_samples.sh path/to/poolsim
set -euo pipefail
poolsim=$1
dir=$(dirname "$0")
"$poolsim" run --hours 1 --ws-per-min 10 --cmd-per-min 5 --seed 7 --quiet --csv /dev/null \
    --emit-trace "$dir/device_1h.tpev" >/dev/null
# tpev "A <us> <addr> <size> [task]" / "F <us> <addr> [task]" -> SystemView lines,
# each followed by one caller line, as the ESP-IDF host tool prints them.
awk '
/^A / { task = ($5 == "") ? "main" : $5
        printf "[%d.%06d] HEAP: Allocated %d bytes @ %s from task \"%s\" on core 0 by:\n", $2 / 1000000, $2 % 1000000, $4, $3, task
        print "0x400d2f1c: app_alloc at main.c:42" }
/^F / { task = ($4 == "") ? "main" : $4
        printf "[%d.%06d] HEAP: Freed bytes @ %s from task \"%s\" on core 0 by:\n", $2 / 1000000, $2 % 1000000, $3, task
        print "0x400d2f88: app_free at main.c:57" }
' "$dir/device_1h.tpev" > "$dir/device_1h.sysview"
