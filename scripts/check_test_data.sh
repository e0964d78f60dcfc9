#!/usr/bin/env bash
# The copied ESP-IDF outputs and golden files are used as they are: verify their
# checksums, and that they equal the shared reference set when it is present.
set -euo pipefail
cd "$(dirname "$0")/../tests/data"
(cd esp-idf && sha256sum --quiet -c ../esp-idf.sha256)
(cd esp-idf-heap && sha256sum --quiet -c ../esp-idf-heap.sha256)
for pair in "esp-idf:../../../shared/traces/esp-idf" "esp-idf-heap:../../../shared/reference/esp-idf-heap"; do
    mine=${pair%%:*} theirs=${pair#*:}
    [ -d "$theirs" ] || continue
    for f in "$theirs"/*; do
        cmp -s "$f" "$mine/$(basename "$f")" || { echo "tests/data/$mine/$(basename "$f") differs from $f"; exit 1; }
    done
done
echo "test data: checksums ok"
