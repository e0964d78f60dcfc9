#!/usr/bin/python3
"""The ESP-IDF menu (Kconfig) against include/tp_config.h, the one place of every default.

Parses Kconfig with kconfiglib (Debian python3-kconfiglib) and checks that
 1. every CONFIG_TP_* symbol the sources use is defined in Kconfig;
 2. every Kconfig option has its TP_CFG_* counterpart (CONFIG_TP_<NAME> <-> TP_CFG_<NAME>;
    the tier options <-> TP_CFG_DEFAULT_TIERS), mapped in port/esp-idf/include/tp_port_config.h,
    with the SAME default as tp_config.h gives on ESP-IDF (evaluated by the C preprocessor
    with ESP_PLATFORM defined, as the component is built);
 3. every value a Kconfig range allows passes tp_config.h's #error checks (both ends).
Exits 1 on any finding. Usage: scripts/check_kconfig.py [C compiler, default cc]
"""
import pathlib
import re
import subprocess
import sys
import tempfile

import kconfiglib

root = pathlib.Path(__file__).resolve().parent.parent
cc = sys.argv[1] if len(sys.argv) > 1 else "cc"
kconf = kconfiglib.Kconfig(str(root / "Kconfig"), warn_to_stderr=False)
problems = ["Kconfig warning: " + w for w in kconf.warnings]

# 1. Symbols used by the sources exist.
defined = {name for name in kconf.syms}
used = set()
for path in list(root.glob("include/*.h")) + list(root.glob("port/esp-idf/**/*.[ch]")) + \
        list(root.glob("port/esp-idf/*.cmake")) + list(root.glob("examples/esp-idf/**/*.c")):
    used |= set(re.findall(r"CONFIG_(TP_[A-Z0-9_]*[A-Z0-9])\b", path.read_text()))
problems += ["used but not in Kconfig: CONFIG_" + n for n in sorted(used - defined)]

# The tp_config.h values the component gets when menuconfig is left alone: the
# preprocessor evaluates them with ESP_PLATFORM defined and no port header.
tp_syms = sorted(n for n in kconf.syms if n.startswith("TP_"))
tier_re = re.compile(r"TP_(DEFAULT_TIER_COUNT|TIER\d+_(SIZE|COUNT))$")


def preprocess(defines, body):
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "probe.c"
        src.write_text('#include "tp_config.h"\n' + body)
        return subprocess.run([cc, "-E", "-P", "-DESP_PLATFORM", "-I", str(root / "include")] +
                              defines + [str(src)], capture_output=True, text=True)


def c_int(text):
    text = re.sub(r"\b(\d+)[uUlL]+\b", r"\1", text.strip())
    if not re.fullmatch(r"[0-9()+\-*/ ]+", text):
        raise ValueError(text)
    return int(eval(text))  # digits and operators only (checked above)


probe = "".join("@%s@ = TP_CFG_%s\n" % (n[3:], n[3:]) for n in tp_syms if not tier_re.match(n))
probe += "#define TPX(s, c) (s, c)\n@DEFAULT_TIERS@ = TP_CFG_DEFAULT_TIERS(TPX)\n"
out = preprocess([], probe)
if out.returncode != 0:
    print(out.stderr)
    sys.exit(1)
values = dict(re.findall(r"@(\w+)@ = (.*)", out.stdout))

port_map = (root / "port/esp-idf/include/tp_port_config.h").read_text()

# 2. Same defaults, and every option mapped.
for name in tp_syms:
    sym = kconf.syms[name]
    if tier_re.match(name):
        continue
    key = name[3:]
    raw = values.get(key, "TP_CFG_" + key)
    if raw.strip() == "TP_CFG_" + key:
        problems.append("CONFIG_%s has no TP_CFG_%s in tp_config.h" % (name, key))
        continue
    if "CONFIG_" + name not in port_map:
        problems.append("CONFIG_%s is not mapped in port/esp-idf/include/tp_port_config.h" % name)
    want = c_int(raw)
    got = {"y": 1, "n": 0}.get(sym.str_value) if sym.type == kconfiglib.BOOL else int(sym.str_value)
    if got != want:
        problems.append("CONFIG_%s defaults to %s in Kconfig, TP_CFG_%s to %d in tp_config.h" %
                        (name, sym.str_value, key, want))

tiers = [tuple(c_int(x) for x in pair)
         for pair in re.findall(r"\(([^,()]+),([^,()]+)\)", values["DEFAULT_TIERS"])]
if int(kconf.syms["TP_DEFAULT_TIER_COUNT"].str_value) != len(tiers):
    problems.append("CONFIG_TP_DEFAULT_TIER_COUNT defaults to %s, TP_CFG_DEFAULT_TIERS has %d tiers" %
                    (kconf.syms["TP_DEFAULT_TIER_COUNT"].str_value, len(tiers)))
for i, (size, count) in enumerate(tiers, 1):
    ks, kc = kconf.syms["TP_TIER%d_SIZE" % i].str_value, kconf.syms["TP_TIER%d_COUNT" % i].str_value
    if (ks, kc) != (str(size), str(count)):
        problems.append("tier %d: Kconfig %sx%s, TP_CFG_DEFAULT_TIERS %dx%d" % (i, ks, kc, size, count))

# 3. Both ends of every Kconfig range pass tp_config.h's checks: set one option
# to an end, let kconfiglib clamp the options whose ranges depend on it, and
# preprocess tp_config.h with the whole resulting configuration.
def as_defines():
    out = []
    for n in tp_syms:
        s = kconf.syms[n]
        if tier_re.match(n) or s.str_value == "":
            continue
        v = {"y": "1", "n": "0"}.get(s.str_value, s.str_value)
        out.append("-DTP_CFG_%s=%s" % (n[3:], v))
    return out


for name in tp_syms:
    sym = kconf.syms[name]
    if tier_re.match(name) or not sym.ranges:
        continue
    for end in (sym.ranges[0][0].str_value, sym.ranges[0][1].str_value):
        if not sym.set_value(end):
            problems.append("kconfiglib refused CONFIG_%s=%s" % (name, end))
            continue
        res = preprocess(as_defines(), "")
        if res.returncode != 0:
            errors = [l for l in res.stderr.splitlines() if "#error" in l]
            problems.append("CONFIG_%s=%s is allowed by Kconfig but tp_config.h rejects it: %s" %
                            (name, end, errors))
        sym.unset_value()

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("Kconfig OK: %d symbols, %d used by the sources; defaults equal tp_config.h's, "
      "range ends accepted by its checks" % (len(defined), len(used)))
