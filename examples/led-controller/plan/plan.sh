#!/usr/bin/env bash
# The LED controller's memory plan, closed loop (docs/led-controller.md, "The memory plan"):
#
#   plan.sh record BUILD   run the load test against BUILD/led-controller with
#                          --trace (every pool allocation, through tp_track), and
#                          keep the trace as plan/load-trace.tpev.gz
#   plan.sh plan BUILD     poolsim plan on that trace: writes app/led_tiers.h
#   plan.sh check BUILD    what CI runs (ctest led_plan_replay): the committed
#                          app/led_tiers.h is what `poolsim plan` gives for the
#                          committed trace, and `poolsim replay` of the trace
#                          through those tiers has 0 failed pool allocations
#
# BUILD is a CMake build directory of this repository (build/dev, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
example=$(dirname "$here")
[ $# -eq 2 ] || { sed -n '2,15p' "$0"; exit 2; }
mode=$1
build=$(cd "$2" && pwd)
poolsim=$build/tools/poolsim/poolsim
trace_gz=$here/load-trace.tpev.gz
work=$build/led-plan
mkdir -p "$work"
trace=$work/load-trace.tpev

case $mode in
record)
    /usr/bin/python3 "$example/tests/load_test.py" "$build/led-controller" "$example/patterns" \
        "$work/load" --scale 6 --trace "$trace"
    gzip -9 -n -c "$trace" >"$trace_gz"
    echo "trace: $(grep -c '^A ' "$trace") allocations -> $trace_gz"
    ;;
plan)
    gzip -dc "$trace_gz" >"$trace"
    (cd "$work" && "$poolsim" plan load-trace.tpev --header "$example/app/led_tiers.h")
    ;;
check)
    gzip -dc "$trace_gz" >"$trace"
    (cd "$work" && "$poolsim" plan load-trace.tpev --header "$work/led_tiers.h" >/dev/null)
    if ! diff -u "$example/app/led_tiers.h" "$work/led_tiers.h"; then
        echo "app/led_tiers.h is not what poolsim plan gives for the committed trace: run plan.sh plan"
        exit 1
    fi
    tiers=$(sed -n 's|^ \* --tiers \([0-9x,]*\)$|\1|p' "$example/app/led_tiers.h")
    [ -n "$tiers" ] || { echo "no --tiers line in app/led_tiers.h"; exit 1; }
    out=$("$poolsim" replay "$trace" --tiers "$tiers" --quiet --csv /dev/null)
    verdict=$(echo "$out" | grep '^verdict pools' || true)
    echo "$verdict"
    case $verdict in
    *"HOLDS: 0 of "*) ;;
    *) echo "the planned tiers do not serve the trace without failures"; exit 1 ;;
    esac
    echo "replay of $(grep -c '^A ' "$trace") allocations through --tiers $tiers: 0 failed pool allocations"
    ;;
*)
    sed -n '2,15p' "$0"; exit 2 ;;
esac
