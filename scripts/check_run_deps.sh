#!/usr/bin/env bash
# The main job needs only what scripts/run.sh installs: scripts/packages.txt's
# [run] (a C compiler, CMake), and [plot] (gnuplot) only for the plot.
# Proof: run scripts/run.sh under scripts/without.sh with every file hidden
# that belongs to a package scripts/test.sh needs and run.sh does not, or to
# gnuplot: the packages of [test] and [plot] and everything they depend on,
# minus what [run] and the essential packages depend on (apt-cache's closure).
# The job must still build poolsim, run, write its CSV, and say plainly that
# there is no plot.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

section() { # the packages of one section of scripts/packages.txt
    awk -v want="[$1]" '/^\[/ { s = $0; next } /^(#|$)/ { next } s == want { print }' scripts/packages.txt
}
closure() { # a package list and everything it depends on
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances "$@" 2>/dev/null | grep -v '^[ <]' | sort -u
}
work=$(mktemp -d /tmp/tierpool-rundeps.XXXXXX)
trap 'rm -rf "$work"' EXIT

essential=$(dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2 == "yes" { print $1 }')
# shellcheck disable=SC2046
closure $(section run) $essential >"$work/keep"
# shellcheck disable=SC2046
closure $(section test) $(section plot) >"$work/extra"
comm -13 "$work/keep" "$work/extra" >"$work/hide"
: >"$work/files"
while read -r pkg; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || continue
    dpkg -L "$pkg" 2>/dev/null | while read -r f; do
        [ -d "$f" ] && [ ! -L "$f" ] && continue
        echo "$f"
    done >>"$work/files"
done <"$work/hide"
echo "hiding $(wc -l <"$work/files") files of $(wc -l <"$work/hide") packages" \
     "(e.g. $(head -c 300 "$work/hide" | tr '\n' ' ')...)"

cat >"$work/job.sh" <<'JOB'
set -euo pipefail
# Debian's default PATH: tools installed outside the packages (pyenv, ...) do not count.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for tool in python3 clang valgrind qemu-system-arm arm-none-eabi-gcc gnuplot cppcheck; do
    if command -v "$tool" >/dev/null; then echo "$tool is still there"; exit 1; fi
done
[ ! -e /usr/include/cmocka.h ] || { echo "cmocka.h is still there"; exit 1; }
echo "hidden: python3, clang, valgrind, qemu, arm-none-eabi-gcc, gnuplot, cppcheck, cmocka"
TP_RUN_BUILD=$1/build TP_RUN_OUT=$1/out scripts/run.sh --quiet >"$1/run.log" 2>&1 ||
    { tail -20 "$1/run.log"; exit 1; }
grep -q "gnuplot is not installed: no plot" "$1/run.log" || { echo "no word about the plot"; exit 1; }
[ -s "$1/out/poolsim-48h.csv" ] || { echo "no CSV"; exit 1; }
[ ! -e "$1/out/poolsim-48h.png" ] || { echo "a plot without gnuplot?"; exit 1; }
echo "scripts/run.sh built and ran poolsim with [run] only; no plot, and it said so"
JOB
if ! scripts/without.sh --probe; then
    echo "WARNING: this machine cannot make a private mount namespace: the proof that scripts/run.sh"
    echo "         needs only [run] and [plot] did not run here (it needs root or user namespaces)"
    exit 0
fi
scripts/without.sh "$work/files" bash "$work/job.sh" "$work"
