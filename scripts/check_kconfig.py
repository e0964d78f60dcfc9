#!/usr/bin/python3
"""Parse the component's Kconfig with kconfiglib (Debian python3-kconfiglib) and
check that every CONFIG_TP_* symbol the sources use is defined there."""
import pathlib
import re
import sys

import kconfiglib

root = pathlib.Path(__file__).resolve().parent.parent
kconf = kconfiglib.Kconfig(str(root / "Kconfig"), warn_to_stderr=False)
for warning in kconf.warnings:
    print("Kconfig warning:", warning)
defined = {name for name in kconf.syms}
used = set()
for path in list(root.glob("include/*.h")) + list(root.glob("port/esp-idf/**/*.[ch]")) + \
        list(root.glob("port/esp-idf/*.cmake")) + list(root.glob("examples/esp-idf/**/*.c")):
    used |= set(re.findall(r"CONFIG_(TP_[A-Z0-9_]+)\b", path.read_text()))
missing = sorted(used - defined)
if kconf.warnings or missing:
    for name in missing:
        print("used but not in Kconfig: CONFIG_" + name)
    sys.exit(1)
print("Kconfig OK: %d symbols, %d used by the sources" % (len(defined), len(used)))
