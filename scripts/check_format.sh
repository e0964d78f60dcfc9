#!/usr/bin/env bash
# Every C source and header of the project is formatted as .clang-format says
# (clang-format 14, as Debian packages it). With --fix, reformat them instead.
# tests/espidf_api/ is left out: its stand-ins keep the ESP-IDF headers' layout.
# The files are found with find, not git: CI's checkout may come without git
# (it is not in scripts/packages.txt), and an empty list must not pass.
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format) || { echo "clang-format is not installed"; exit 1; }
mapfile -t files < <(find . \( -path ./.git -o -path ./build -o -path './build-*' -o -path ./out \
    -o -path ./tests/espidf_api \) -prune -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) -print |
    sed 's|^\./||' | sort)
[ "${#files[@]}" -gt 0 ] || { echo "no C source found: nothing checked"; exit 1; }
if [ "${1:-}" = "--fix" ]; then
    "$cf" -i --style=file "${files[@]}"
    exit 0
fi
bad=0
for f in "${files[@]}"; do
    if ! "$cf" --style=file "$f" | cmp -s - "$f"; then
        echo "not formatted: $f (scripts/check_format.sh --fix)"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "format: ${#files[@]} files as .clang-format says"
exit "$bad"
