#!/usr/bin/env bash
# scripts/without.sh LIST COMMAND [ARG...]
# Run COMMAND on this machine as if the files named in LIST (one path per line,
# under /usr; /bin, /sbin and /lib* are /usr's on Debian) were not installed:
# in a private mount namespace (unshare), an overlay on /usr whose upper layer
# holds a whiteout for each of them. Nothing outside the namespace changes.
# The CI checks use it to prove what a job does not need (check_consumers.sh:
# cmocka; check_run_deps.sh: everything scripts/test.sh installs beyond what
# scripts/run.sh does). Needs root, sudo without a password (as CI has), or
# unprivileged user namespaces.
#
# scripts/without.sh --probe: exit 0 when this machine can do it (a namespace
# and an overlay on /usr), 1 otherwise; the callers then fall back to a weaker
# check and say so, rather than failing on a machine that forbids namespaces.
set -euo pipefail
if [ "${1:-}" = "--probe" ]; then
    empty=$(mktemp)
    trap 'rm -f "$empty"' EXIT
    "$0" "$empty" true >/dev/null 2>&1
    exit
fi
if [ "${1:-}" != "--inside" ]; then
    [ $# -ge 2 ] || { echo "usage: scripts/without.sh LIST COMMAND [ARG...]"; exit 2; }
    if [ "$(id -u)" = 0 ]; then
        exec unshare -m --propagation private bash "$0" --inside "$@"
    elif sudo -n true 2>/dev/null; then
        exec sudo -n unshare -m --propagation private bash "$0" --inside "$@"
    elif unshare -rm true 2>/dev/null; then
        exec unshare -rm --propagation private bash "$0" --inside "$@"
    fi
    echo "scripts/without.sh: cannot make a private mount namespace (need root or user namespaces)"
    exit 1
fi
shift
list=$1
shift
# The overlay's layers on a tmpfs over /mnt, which only this namespace sees.
layer=/mnt
mount -t tmpfs tmpfs "$layer"
mkdir -p "$layer/upper" "$layer/work"
# A whiteout is a 0:0 character device in the upper layer: it hides the lower
# layer's file or directory of that name.
whiteout() {
    while read -r path; do
        case "$path" in /bin/*|/sbin/*|/lib/*|/lib32/*|/lib64/*|/libx32/*) path=/usr$path ;; esac
        case "$path" in /usr/*) ;; *) continue ;; esac
        rel=${path#/usr/}
        [ -e "$layer/upper/$rel" ] && continue
        mkdir -p "$layer/upper/$(dirname "$rel")"
        mknod "$layer/upper/$rel" c 0 0
    done
}
if command -v python3 >/dev/null; then # thousands of files: one process, not one each
    python3 - "$list" "$layer/upper" <<'PY'
import os, stat, sys
upper = sys.argv[2]
for path in open(sys.argv[1]).read().split("\n"):
    for d in ("/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/"):
        if path.startswith(d):
            path = "/usr" + path
    if not path.startswith("/usr/"):
        continue
    target = os.path.join(upper, path[len("/usr/"):])
    if os.path.lexists(target):
        continue
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(0, 0))
PY
else
    whiteout <"$list"
fi
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$layer/upper,workdir=$layer/work" /usr
exec "$@"
