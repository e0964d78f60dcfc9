#!/usr/bin/env python3
"""Check that tierpool's dependencies point one way (issue 14).

The layers are written once, in the table between the markers
"<!-- layers:begin -->" and "<!-- layers:end -->" of docs/architecture.md:
each row names a module, its layer and its files. The rule: a file may
include, and an object may call, only files of its own module or of modules
in a lower layer. Modules of the same layer are peers and do not use each
other.

Commands (each exits 1 on a finding, 0 otherwise):
  includes [--write]        the include graph of every C file under include/,
                            src/, port/, tools/, examples/, tests/, bench/,
                            fuzz/ against the table; the module-level graph
                            drawn in docs/architecture.md between
                            "<!-- include-graph:begin/end -->" must be the one
                            observed (--write regenerates it); the drawing
                            between "<!-- picture:begin/end -->" must show
                            every module in its layer
  symbols [--write] LIB...  the call graph from the objects' undefined and
                            defined symbols (nm) in the given archives or
                            objects: must go downward and have no cycle; the
                            drawn graph "<!-- call-graph:begin/end -->" must
                            be the one observed (--write regenerates it)
  targets [--write]         the symbol check on the library compiled with each
                            target port (Cortex-M3 objects: bare metal, and
                            ESP-IDF against tests/espidf_api); drawn graphs
                            "<!-- call-graph-baremetal/-esp-idf:begin/end -->"
  opaque --cc CC            every src/ file above the core compiles with
                            TP_POOL_OPAQUE (tp_pool_t incomplete): it reads
                            pools through public functions only
  selftest --cc CC          proves each check fails when it should: an upward
                            include, an unlisted file, a cycle between two
                            objects, a field read from an opaque pool
"""
import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DOC = "docs/architecture.md"
SCANNED = ["include", "src", "port", "tools", "examples", "tests", "bench", "fuzz"]
C_EXT = (".c", ".h", ".cpp")
CORE = "core"  # the module whose pool type the opaque check hides
# Folders keep their meaning whatever the table says: (folder, folders its files
# never include). Tests that still live under port/ (module "tests") are tests.
FOLDER_RULES = [
    ("include/", ("port/", "tools/", "examples/", "tests/", "bench/", "fuzz/")),
    ("src/", ("port/", "tools/", "examples/", "tests/", "bench/", "fuzz/")),
    ("port/", ("tools/", "examples/", "tests/", "bench/", "fuzz/")),
]
# The one exception, documented in docs/esp-idf.md: the Arduino IDE compiles
# only src/, so this file brings the ESP-IDF port in.
FOLDER_EXCEPTIONS = {("src/tp_arduino_esp32.c", "port/esp-idf/")}
TEST_MODULE = "tests"
# Configuration the build supplies by include path, as FreeRTOS's portmacro.h:
# tp_config.h includes these by a generic name (TP_PORT_CONFIG, TP_USER_CONFIG),
# each port or application brings its own. Not resolved to a file here.
INJECTED = {"tp_port_config.h", "tp_user_config.h"}


class Table:
    """Modules with their layer and file patterns, in table order."""

    def __init__(self, rows):
        self.rows = rows  # [(layer, module, [patterns])]
        self.layer = {}
        for layer, module, _ in rows:
            if module in self.layer and self.layer[module] != layer:
                raise ValueError(f"module {module} listed with two layers")
            self.layer[module] = layer

    def module_of(self, path):
        """The module whose patterns match path (relative, '/'), or None; error if several."""
        hits = {m for _, m, pats in self.rows for p in pats if fnmatch.fnmatchcase(path, p)}
        if len(hits) > 1:
            raise ValueError(f"{path} matches several modules: {', '.join(sorted(hits))}")
        return hits.pop() if hits else None


def parse_table(text):
    """Rows of the layer table between the markers: | layer | module | `pattern` ... |."""
    m = re.search(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", text, re.S)
    if not m:
        raise ValueError("no <!-- layers:begin --> ... <!-- layers:end --> table")
    rows = []
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].isdigit():
            continue
        patterns = re.findall(r"`([^`]+)`", cells[2])
        if not patterns:
            raise ValueError(f"row without file patterns: {line.strip()}")
        rows.append((int(cells[0]), cells[1], patterns))
    if not rows:
        raise ValueError("the layer table is empty")
    return Table(rows)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)


def c_files(root):
    out = []
    for top in SCANNED:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(x for x in dirs if x != "build" and not x.startswith("."))
            for f in sorted(files):
                if f.endswith(C_EXT):
                    out.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    return out


def search_dirs(root):
    """What the builds put on the include path: include/, every port's include/,
    tools/poolsim/, tests/. A name found there is resolved like the compiler would."""
    dirs = ["include"]
    port = os.path.join(root, "port")
    if os.path.isdir(port):
        dirs += sorted(f"port/{p}/include" for p in os.listdir(port)
                       if os.path.isdir(os.path.join(port, p, "include")))
    dirs += ["tools/poolsim", "tests"]
    return [d for d in dirs if os.path.isdir(os.path.join(root, d))]


def resolve(root, including, name, dirs):
    """The repository file an #include "name" in `including` refers to, or None (external)."""
    cand = os.path.normpath(os.path.join(os.path.dirname(including), name)).replace(os.sep, "/")
    if os.path.isfile(os.path.join(root, cand)) and not cand.startswith(".."):
        return cand
    found = [os.path.normpath(os.path.join(d, name)).replace(os.sep, "/") for d in dirs
             if os.path.isfile(os.path.join(root, d, name))]
    if len(found) > 1:
        raise ValueError(f"{including}: \"{name}\" is ambiguous: {', '.join(found)}")
    return found[0] if found else None


def include_edges(root):
    dirs = search_dirs(root)
    edges = []  # (from file, to file)
    for f in c_files(root):
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = strip_comments(fh.read())
        for name in INCLUDE_RE.findall(text):
            if name in INJECTED:
                continue
            target = resolve(root, f, name, dirs)
            if target is not None:
                edges.append((f, target))
    return edges


def folder_problems(table, edges):
    """Includes that cross into a folder the including file's folder never uses."""
    problems = []
    for a, b in edges:
        if table.module_of(a) == TEST_MODULE:
            continue
        for folder, banned in FOLDER_RULES:
            if not a.startswith(folder):
                continue
            hit = next((x for x in banned if b.startswith(x)), None)
            if hit and not any(a == ea and b.startswith(eb) for ea, eb in FOLDER_EXCEPTIONS):
                problems.append(f"{a} includes {b}: {folder} never includes {hit}")
    return problems


def check_edges(table, edges, what):
    """Module graph of file-level edges; findings for unlisted files and upward edges."""
    problems, graph = [], {}
    for a, b in edges:
        ma, mb = table.module_of(a), table.module_of(b)
        for f, m in ((a, ma), (b, mb)):
            if m is None:
                problems.append(f"{f}: in no module of the layer table (add it to {DOC})")
        if ma is None or mb is None or ma == mb:
            continue
        graph.setdefault(ma, set()).add(mb)
        if table.layer[mb] >= table.layer[ma]:
            problems.append(f"{a} (module {ma}, layer {table.layer[ma]}) {what} {b} "
                            f"(module {mb}, layer {table.layer[mb]}): not below it")
    return sorted(set(problems)), graph


def find_cycle(graph):
    """One cycle of the module graph as a list of modules, or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def render_graph(table, graph):
    """The module graph as text, top layer first: 'module (layer N) -> a, b'."""
    lines = []
    order = sorted(table.layer, key=lambda m: (-table.layer[m], m))
    width = max(len(m) for m in order)
    for m in order:
        deps = sorted(graph.get(m, ()), key=lambda d: (-table.layer[d], d))
        lines.append(f"{m.ljust(width)}  L{table.layer[m]:<2} -> {', '.join(deps) if deps else '-'}")
    return "\n".join(lines)


def sync_block(doc_path, marker, body, write):
    """Compare (or replace) the fenced block between <!-- marker:begin/end --> in the doc."""
    with open(doc_path, encoding="utf-8") as fh:
        text = fh.read()
    pat = re.compile(r"(<!-- %s:begin -->\n```text\n)(.*?)(```\n<!-- %s:end -->)" % (marker, marker), re.S)
    m = pat.search(text)
    if not m:
        return [f"{doc_path}: no <!-- {marker}:begin --> ```text ... ``` <!-- {marker}:end --> block"]
    if m.group(2) == body + "\n":
        return []
    if write:
        with open(doc_path, "w", encoding="utf-8") as fh:
            fh.write(text[:m.start(2)] + body + "\n" + text[m.end(2):])
        print(f"{doc_path}: {marker} rewritten")
        return []
    return [f"{doc_path}: the {marker} block differs from the graph observed; "
            f"run scripts/check_layers.py {'includes' if marker == 'include-graph' else 'symbols LIB...'} --write"]


def picture_tokens(patterns):
    """Words that name a module in the drawing: each file's name without its
    extension (tp_frame; for a pattern, what comes before the wildcard unless
    it is a mere prefix such as tp_), and the folder of a file outside include/
    and src/ (port/host, tools/poolsim)."""
    tokens = set()
    for pat in patterns:
        folder, base = os.path.split(pat)
        stem = os.path.splitext(base)[0] if "*" not in base else base.split("*")[0].rstrip(".")
        if len(stem) > 2 and not stem.endswith("_"):
            tokens.add(stem)
        if folder and "*" not in folder and folder not in ("include", "src"):
            tokens.add(folder)
    return tokens


def picture_problems(text, table):
    """The drawing between <!-- picture:begin/end --> must show every module of
    the table in its own layer: a line starting with a layer number opens that
    layer, the lines after it continue it."""
    m = re.search(r"<!-- picture:begin -->(.*?)<!-- picture:end -->", text, re.S)
    if not m:
        return [f"{DOC}: no <!-- picture:begin --> ... <!-- picture:end --> drawing"]
    by_layer, layer = {}, None
    for line in m.group(1).splitlines():
        n = re.match(r"^\s*(\d+)\s", line)
        if n:
            layer = int(n.group(1))
        if layer is not None:
            by_layer[layer] = by_layer.get(layer, "") + line + "\n"
    problems = []
    for lay, module, patterns in table.rows:
        drawn = by_layer.get(lay, "")
        if not any(tok in drawn for tok in picture_tokens(patterns)):
            problems.append(f"{DOC}: the drawing does not show module {module} in layer {lay} "
                            f"(one of: {', '.join(sorted(picture_tokens(patterns)))})")
    return problems


def load_table(root):
    with open(os.path.join(root, DOC), encoding="utf-8") as fh:
        return parse_table(fh.read())


def cmd_includes(root, write):
    table = load_table(root)
    edges = include_edges(root)
    problems, graph = check_edges(table, edges, "includes")
    problems += folder_problems(table, edges)
    for f in c_files(root):
        if table.module_of(f) is None:
            problems.append(f"{f}: in no module of the layer table (add it to {DOC})")
    cycle = find_cycle(graph)
    if cycle:
        problems.append("include cycle between modules: " + " -> ".join(cycle))
    with open(os.path.join(root, DOC), encoding="utf-8") as fh:
        problems += picture_problems(fh.read(), table)
    problems = sorted(set(problems))
    if not problems:
        problems += sync_block(os.path.join(root, DOC), "include-graph", render_graph(table, graph), write)
    return report(problems, f"includes: {len(edges)} includes of {len(c_files(root))} files follow the layers")


def nm_symbols(paths, nm="nm"):
    """{object: (defined set, undefined set)} from nm -A -P over archives/objects."""
    objs = {}
    for p in paths:
        out = subprocess.run([nm, "-A", "-P", p], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"^(.*?)(?:\[(.*?)\])?: (\S+) (\S)", line)
            if not m:
                continue
            obj = m.group(2) or os.path.basename(m.group(1))
            name, kind = m.group(3), m.group(4)
            d, u = objs.setdefault(obj, (set(), set()))
            if kind == "U":
                u.add(name)
            elif kind.isupper():
                d.add(name)
    return objs


def object_sources(root, objs):
    """Map each object (tp_crash.c.o) to its source file in the repository."""
    by_base = {}
    for f in c_files(root):
        by_base.setdefault(os.path.basename(f), []).append(f)
    out = {}
    for obj in objs:
        base = re.sub(r"\.(o|obj)$", "", obj)
        cands = by_base.get(base) or by_base.get(re.sub(r"\.[^.]+$", "", base) + ".c") or []
        if len(cands) != 1:
            raise ValueError(f"object {obj}: source {'unknown' if not cands else 'ambiguous: ' + ', '.join(cands)}")
        out[obj] = cands[0]
    return out


def symbol_edges(objs, sources):
    definer = {}
    for obj, (d, _) in objs.items():
        for s in d:
            definer.setdefault(s, obj)
    edges = set()
    for obj, (_, u) in objs.items():
        for s in u:
            if s in definer and definer[s] != obj:
                edges.add((sources[obj], sources[definer[s]]))
    return sorted(edges)


def cmd_symbols(root, libs, write, table=None, doc=True, nm="nm", block="call-graph"):
    table = table or load_table(root)
    objs = nm_symbols(libs, nm)
    sources = object_sources(root, objs)
    edges = symbol_edges(objs, sources)
    problems, graph = check_edges(table, edges, "calls")
    cycle = find_cycle(graph)
    if cycle:
        problems.append("call cycle between modules: " + " -> ".join(cycle))
    if doc and not problems:
        used = {table.module_of(s) for s in sources.values()}
        sub = Table([r for r in table.rows if r[1] in used])
        problems += sync_block(os.path.join(root, DOC), block, render_graph(sub, graph), write)
    return report(problems, f"symbols ({block}): {len(edges)} cross-object references of "
                            f"{len(objs)} objects go downward, no cycle")


def library_sources(root):
    """TP_CORE_SOURCES and TP_DIAG_SOURCES of cmake/tierpool_sources.cmake."""
    with open(os.path.join(root, "cmake", "tierpool_sources.cmake"), encoding="utf-8") as fh:
        text = fh.read()
    out = []
    for var in ("TP_CORE_SOURCES", "TP_DIAG_SOURCES"):
        m = re.search(r"set\(%s\s+(.*?)\)" % var, text, re.S)
        if not m:
            raise ValueError(f"cmake/tierpool_sources.cmake: no {var}")
        out += m.group(1).split()
    return out


# The library with each target port, compiled for a Cortex-M3 (the ESP-IDF port
# against the declarations in tests/espidf_api, as scripts/check_espidf_port.sh).
TARGETS = [
    ("call-graph-baremetal", ["-DTP_CFG_THREAD_SAFE=1"],
     ["port/baremetal/tp_port_baremetal.c", "port/baremetal/tp_sys_baremetal.c"]),
    ("call-graph-esp-idf", ["-DESP_PLATFORM", "-DTP_PORT_CONFIG", "-Iport/esp-idf/include",
                            "-Itests/espidf_api"],
     ["port/esp-idf/tp_port_espidf.c", "port/esp-idf/tp_sys_espidf.c", "port/esp-idf/tp_espidf.c"]),
]


def cmd_targets(root, cc, nm, write):
    """The symbol check on the library linked with each target port."""
    rc = 0
    tmp = tempfile.mkdtemp(prefix="check_layers_targets_")
    try:
        for block, flags, port_srcs in TARGETS:
            objs = []
            for src in library_sources(root) + port_srcs:
                obj = os.path.join(tmp, block, os.path.basename(src) + ".o")
                os.makedirs(os.path.dirname(obj), exist_ok=True)
                subprocess.run([cc, "-std=gnu11", "-mcpu=cortex-m3", "-mthumb", "-Os", "-c",
                                "-I" + os.path.join(root, "include")] +
                               [f if not f.startswith("-I") else "-I" + os.path.join(root, f[2:])
                                for f in flags] +
                               ["-o", obj, os.path.join(root, src)], check=True)
                objs.append(obj)
            rc |= cmd_symbols(root, objs, write, nm=nm, block=block)
    finally:
        shutil.rmtree(tmp)
    return rc


def cmd_opaque(root, cc):
    table = load_table(root)
    problems, n = [], 0
    for f in c_files(root):
        m = table.module_of(f)
        if not f.startswith("src/") or not f.endswith(".c") or m is None or \
                table.layer[m] <= table.layer[CORE]:
            continue
        n += 1
        r = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-DTP_POOL_OPAQUE", "-DTP_CFG_TRACKING=1",
                            "-I" + os.path.join(root, "include"), os.path.join(root, f)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{f} does not compile with tp_pool_t opaque (TP_POOL_OPAQUE): "
                            f"it reads a pool's fields\n{r.stderr.strip()}")
    return report(problems, f"opaque: the {n} sources of src/ above the core use pools through public functions only")


def report(problems, ok):
    for p in problems:
        print("FAIL " + p)
    if not problems:
        print("ok   " + ok)
    return 1 if problems else 0


# ---- self-test: every check must fail on a broken input --------------------

def selftest(cc):
    tmp = tempfile.mkdtemp(prefix="check_layers_")
    failures = []

    def expect(name, rc, want_rc, out, needle):
        if rc != want_rc or (needle and needle not in out):
            failures.append(f"{name}: exit {rc} (want {want_rc}), output:\n{out}")
        else:
            print(f"ok   selftest {name}")

    def run(fn, *a):
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                rc = fn(*a)
            except ValueError as e:
                print("FAIL " + str(e))
                rc = 1
        return rc, buf.getvalue()

    def write(path, text):
        full = os.path.join(tmp, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(text)

    doc = """<!-- picture:begin -->
```
 3  examples/
 2  high
 1  low
 0  core.h
```
<!-- picture:end -->
<!-- layers:begin -->
| layer | module | files |
|---:|---|---|
| 3 | app | `examples/*` |
| 2 | high | `src/high.*` |
| 1 | low | `src/low.*`, `include/low.h` |
| 0 | core | `include/core.h` |
<!-- layers:end -->
<!-- include-graph:begin -->
```text
```
<!-- include-graph:end -->
"""
    try:
        write("docs/architecture.md", doc)
        write("include/low.h", '#include "core.h"\nint low(void);\n')
        write("include/core.h", "int core(void);\n")
        write("src/low.c", '#include "low.h"\nint low(void) { return 1; }\n')
        write("src/high.c", '#include "../include/low.h"\n/* #include "high_unused.h" */\nint high(void) { return low(); }\n')
        write("examples/app.c", '#include "../src/high.c"\n')
        rc, out = run(cmd_includes, tmp, True)
        expect("includes: downward includes pass", rc, 0, out, "")
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: the drawn graph, once written, matches", rc, 0, out, "ok")
        write("src/low.c", '#include "low.h"\n#include "high.c"\nint low(void) { return 1; }\n')
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: an upward include fails", rc, 1, out, "src/low.c (module low, layer 1) includes src/high.c")
        write("src/low.c", '#include "low.h"\nint low(void) { return 1; }\n')
        write("include/low.h", '#include "core.h"\n#include "../examples/app.h"\nint low(void);\n')
        write("examples/app.h", "")
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: include/ including examples/ fails", rc, 1, out, "include/ never includes examples/")
        write("include/low.h", '#include "core.h"\nint low(void);\n')
        os.remove(os.path.join(tmp, "examples/app.h"))
        write("src/stray.c", '#include "low.h"\n')
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: a file in no module fails", rc, 1, out, "src/stray.c: in no module")
        os.remove(os.path.join(tmp, "src/stray.c"))
        write("examples/more.c", '#include "../include/low.h"\n')
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: a stale drawn graph fails", rc, 1, out, "differs from the graph observed")
        os.remove(os.path.join(tmp, "examples/more.c"))
        write("docs/architecture.md", doc.replace(" 1  low\n", " 1\n 2  low\n"))
        rc, out = run(cmd_includes, tmp, False)
        expect("includes: a drawing without a module in its layer fails", rc, 1, out,
               "does not show module low in layer 1")
        write("docs/architecture.md", doc)
        rc, out = run(cmd_includes, tmp, True)
        expect("includes: the drawing restored passes", rc, 0, out, "")

        # Two objects that call each other: a cycle, whatever the layers say.
        write("src/high.c", "int low(void);\nint high(void);\nint high(void) { return low(); }\n")
        write("src/low.c", "int high(void);\nint low(void);\nint low(void) { return high() + 1; }\n")
        objs = []
        for n in ("high", "low"):
            o = os.path.join(tmp, f"{n}.c.o")
            subprocess.run([cc, "-c", "-o", o, os.path.join(tmp, "src", f"{n}.c")], check=True)
            objs.append(o)
        flat = Table([(1, "high", ["src/high.*"]), (1, "low", ["src/low.*"])])
        rc, out = run(lambda: cmd_symbols(tmp, objs, False, flat, False))
        expect("symbols: a cycle between two objects fails", rc, 1, out, "call cycle between modules")
        write("src/low.c", "int low(void);\nint low(void) { return 1; }\n")
        subprocess.run([cc, "-c", "-o", objs[1], os.path.join(tmp, "src", "low.c")], check=True)
        rc, out = run(lambda: cmd_symbols(tmp, objs, False, load_table(tmp), False))
        expect("symbols: a downward call passes", rc, 0, out, "")
        rc, out = run(lambda: cmd_symbols(tmp, objs, False, Table([(1, "high", ["src/high.*"]),
                                                                   (2, "low", ["src/low.*"])]), False))
        expect("symbols: an upward call fails", rc, 1, out, "calls src/low.c (module low, layer 2)")

        # A field read from a pool compiled with TP_POOL_OPAQUE must not compile.
        snippet = os.path.join(tmp, "reads_field.c")
        with open(snippet, "w") as fh:
            fh.write('#include "tierpool.h"\nuint32_t f(const tp_pool_t *p);\n'
                     "uint32_t f(const tp_pool_t *p) { return p->n_tiers; }\n")
        inc = "-I" + os.path.join(ROOT, "include")
        plain = subprocess.run([cc, "-std=c11", "-fsyntax-only", inc, snippet], capture_output=True, text=True)
        opaque = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-DTP_POOL_OPAQUE", inc, snippet],
                                capture_output=True, text=True)
        expect("opaque: a field read compiles normally", plain.returncode, 0, plain.stderr, "")
        expect("opaque: the same read fails with TP_POOL_OPAQUE", 1 if opaque.returncode else 0, 1,
               opaque.stderr, "incomplete")
    finally:
        shutil.rmtree(tmp)
    for f in failures:
        print("FAIL selftest " + f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("includes")
    p.add_argument("--write", action="store_true")
    p = sub.add_parser("symbols")
    p.add_argument("--write", action="store_true")
    p.add_argument("libs", nargs="+")
    p = sub.add_parser("targets")
    p.add_argument("--write", action="store_true")
    p.add_argument("--cc", default="arm-none-eabi-gcc")
    p.add_argument("--nm", default="arm-none-eabi-nm")
    p = sub.add_parser("opaque")
    p.add_argument("--cc", default="cc")
    p = sub.add_parser("selftest")
    p.add_argument("--cc", default="cc")
    a = ap.parse_args()
    try:
        if a.cmd == "includes":
            return cmd_includes(ROOT, a.write)
        if a.cmd == "symbols":
            return cmd_symbols(ROOT, a.libs, a.write)
        if a.cmd == "targets":
            return cmd_targets(ROOT, a.cc, a.nm, a.write)
        if a.cmd == "opaque":
            return cmd_opaque(ROOT, a.cc)
        return selftest(a.cc)
    except ValueError as e:
        print("FAIL " + str(e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
