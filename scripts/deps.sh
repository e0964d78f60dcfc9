#!/usr/bin/env bash
# Install the missing Debian packages of the given sections of
# scripts/packages.txt, with apt-get (as root, or through sudo; never prompts).
#   scripts/deps.sh run plot test        required: fails if one cannot be installed
#   scripts/deps.sh --optional plot      best effort: says what is missing, succeeds
set -euo pipefail
cd "$(dirname "$0")/.."
optional=0
if [ "${1:-}" = "--optional" ]; then
    optional=1
    shift
fi
[ $# -gt 0 ] || { echo "usage: scripts/deps.sh [--optional] SECTION..."; exit 2; }

# The packages of the sections asked for.
wanted=()
section=""
while read -r line; do
    case "$line" in
    ''|'#'*) continue ;;
    '['*']') section=${line#[}; section=${section%]} ;;
    *) for s in "$@"; do [ "$s" = "$section" ] && wanted+=("$line"); done ;;
    esac
done < scripts/packages.txt

missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

fail() {
    if [ $optional = 1 ]; then
        echo "note: could not install ${missing[*]} ($*); going on without"
        exit 0
    fi
    echo "could not install ${missing[*]} ($*)"
    exit 1
}
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "need root, or sudo"
    # sudo resets the environment (env_reset): pass DEBIAN_FRONTEND through env.
    sudo="sudo -n env DEBIAN_FRONTEND=noninteractive"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || fail "apt-get update failed"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
    fail "apt-get install failed"
