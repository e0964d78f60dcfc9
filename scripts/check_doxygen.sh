#!/usr/bin/env bash
# The API reference (issue 14 item 6): Doxygen over the public headers with
# docs/Doxyfile, failing on any warning (an undocumented function, member,
# parameter or return value, a broken reference). Output: build/doxygen/html.
# Also fails when a public header has no @file block (Doxygen would skip its
# functions without a word), and proves first that the configuration does
# fail on an undocumented parameter.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || { echo "doxygen not installed (Debian package doxygen)"; exit 1; }

# The headers docs/Doxyfile reads: its INPUT directories' *.h, minus
# EXCLUDE and EXCLUDE_PATTERNS.
headers=$(python3 - <<'PY'
import fnmatch, glob, re
text = open("docs/Doxyfile").read().replace("\\\n", " ")
def values(key):
    m = re.search(r"^%s\s*=(.*)$" % key, text, re.M)
    return m.group(1).split() if m else []
excluded = set(values("EXCLUDE"))
patterns = values("EXCLUDE_PATTERNS")
for d in values("INPUT"):
    for h in ([d] if d.endswith(".h") else sorted(glob.glob(d + "/*.h"))):
        if h not in excluded and not any(fnmatch.fnmatch(h, p) for p in patterns):
            print(h)
PY
)
bad=0
for h in $headers; do
    grep -q '@file' "$h" || { echo "$h: no /** @file ... */ block: Doxygen would not check it"; bad=1; }
done
[ "$bad" = 0 ] || exit 1

# The configuration must fail on a warning: one undocumented parameter.
tmp=$(mktemp -d /tmp/check_doxygen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/probe.h" <<'EOF'
/** @file probe.h
 * A header with one undocumented parameter. */
/** Adds. @param a the first @return the sum */
int probe_add(int a, int b);
EOF
if (cat docs/Doxyfile; echo "INPUT = $tmp/probe.h"; echo "EXCLUDE ="; echo "EXCLUDE_PATTERNS ="; echo "OUTPUT_DIRECTORY = $tmp/out") |
   doxygen - >"$tmp/log" 2>&1; then
    echo "docs/Doxyfile does not fail on an undocumented parameter:"; cat "$tmp/log"; exit 1
fi
grep -q "probe_add" "$tmp/log" || { echo "unexpected doxygen failure:"; cat "$tmp/log"; exit 1; }

rm -rf build/doxygen
mkdir -p build
doxygen docs/Doxyfile
echo "API reference: $(echo "$headers" | wc -w) public headers, no Doxygen warning (build/doxygen/html/index.html)"
