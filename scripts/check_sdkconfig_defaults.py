#!/usr/bin/python3
"""Every line of every sdkconfig.defaults under examples/ (the ESP-IDF example's and the LED
controller's) takes effect on every ESP-IDF release the docs claim (5.0 to 5.5): an option
ESP-IDF does not know is dropped without a word, and ESP-IDF 5.0 spells the Wi-Fi options
CONFIG_ESP32_WIFI_* where 5.1 and later say CONFIG_ESP_WIFI_*.

For each release in tests/espidf/kconfig_names.txt (facts read from ESP-IDF's tags), each
CONFIG_ option of the defaults must be defined by that release, or renamed by its
sdkconfig.rename to one it defines (kconfgen applies the renames to sdkconfig.defaults too).
The tierpool options must be in this repository's Kconfig. Then the check checks itself on
both spellings: the ESP-IDF example's file (the one with Wi-Fi options) rewritten in the 5.1+ spelling (CONFIG_ESP_WIFI_*) must be refused for
5.0 and accepted for 5.1 and later.
Exits 1 on any finding."""
import pathlib
import re
import sys

import kconfiglib

root = pathlib.Path(__file__).resolve().parent.parent
# The first one sets Wi-Fi options and carries the self-check below.
defaults_paths = [root / "examples/esp-idf/sdkconfig.defaults",
                  root / "examples/led-controller/esp-idf/sdkconfig.defaults"]

defined, renamed = {}, {}
for line in (root / "tests/espidf/kconfig_names.txt").read_text().splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    parts = line.split()
    release = parts[0]
    defined.setdefault(release, set())
    renamed.setdefault(release, {})
    if len(parts) == 4 and parts[2] == "->":
        renamed[release][parts[1]] = parts[3]
    else:
        defined[release].add(parts[1])
releases = sorted(defined, key=lambda r: tuple(int(x) for x in r.split(".")))
ours = {"CONFIG_" + s for s in kconfiglib.Kconfig(str(root / "Kconfig"), warn_to_stderr=False).syms}


def findings(text):
    """(release, problem) for every option of text that some release would ignore."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(CONFIG_[A-Z0-9_]+)=", line)
        if not m:
            continue
        name = m.group(1)
        if name.startswith("CONFIG_TP_"):
            if name not in ours:
                out.append(("all", "line %d: %s is not in the tierpool Kconfig" % (number, name)))
            continue
        known = any(name in defined[r] or name in renamed[r] for r in releases)
        if not known:
            out.append(("all", "line %d: %s is not in tests/espidf/kconfig_names.txt: record what "
                        "each release calls it" % (number, name)))
            continue
        for r in releases:
            target = renamed[r].get(name, name)
            if target not in defined[r]:
                out.append((r, "line %d: ESP-IDF %s ignores %s without a word" % (number, r, name)))
    return out


problems = []
unlisted = sorted(set(root.glob("examples/**/sdkconfig.defaults")) - set(defaults_paths))
for path in unlisted:
    problems.append("%s is not checked: add it to defaults_paths" % path.relative_to(root))
counts = []
for path in defaults_paths:
    file_text = path.read_text()
    problems += ["%s: %s" % (path.relative_to(root), p) for _, p in findings(file_text)]
    counts.append("%s %d" % (path.relative_to(root),
                             sum(1 for line in file_text.splitlines() if re.match(r"\s*CONFIG_", line))))
text = defaults_paths[0].read_text()

# Both spellings: the 5.1+ names must be caught for 5.0 (and only there).
new_spelling = text.replace("CONFIG_ESP32_WIFI_", "CONFIG_ESP_WIFI_")
if new_spelling == text:
    problems.append("the defaults set no CONFIG_ESP32_WIFI_* option: the self-check has nothing to test")
else:
    caught = {r for r, _ in findings(new_spelling)}
    if caught != {releases[0]}:
        problems.append("self-check: the 5.1+ spelling should fail for %s only, failed for %s" %
                        (releases[0], sorted(caught) or "none"))
    caught_old = {r for r, _ in findings(text.replace("CONFIG_ESP_WIFI_", "CONFIG_ESP32_WIFI_"))}
    if caught_old:
        problems.append("self-check: the 5.0 spelling fails for %s" % sorted(caught_old))

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("sdkconfig.defaults (%s options) take effect on ESP-IDF %s (5.0 spelling, renamed by "
      "sdkconfig.rename from 5.1); the 5.1+ spelling is caught for 5.0" % (", ".join(counts), ", ".join(releases)))
