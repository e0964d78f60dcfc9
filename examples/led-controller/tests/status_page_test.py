#!/usr/bin/env python3
"""The status page (GET /) in a real headless browser (Debian's chromium).

    status_page_test.py SERVER_BINARY PATTERNS_DIR WORK_DIR

Starts the server, makes some traffic (uploads, a refused upload, commands),
waits until it is idle, then: reads /health (H1), lets chromium load the page
and run its scripts (--dump-dom after a virtual-time budget), reads /health
again (H2). Checks that

  - every figure the page shows (pool use per tier, largest free block of the
    pool and of the heap, the counters) equals the report the page itself
    fetched (shown raw at the bottom of the page);
  - that report is the server's /health at that moment: every figure that is
    the same in H1 and H2 is the same in it; a counter that moved between H1
    and H2 (the strip keeps refreshing) lies between them;

and writes a screenshot (WORK_DIR/status_page.png) for a developer to look at.
The browser reaches nothing but loopback: every host name resolves to
nothing (--host-resolver-rules), no proxy, background networking, component
updates, sync and crash reports off, a fresh profile in WORK_DIR.
"""
import asyncio
import html.parser
import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import ledpattern  # noqa: E402
from ledserver import check, run_test, scratch_patterns, start  # noqa: E402

BROWSERS = ["chromium", "chromium-browser", "google-chrome"]


def health(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=20) as r:
        return json.loads(r.read().decode())


class Dom(html.parser.HTMLParser):
    """Text of every element with an id, and the cells of the tier rows."""

    def __init__(self):
        super().__init__()
        self.by_id = {}
        self.stack = []  # (id, tier, key)
        self.tiers = {}  # tier index -> {key: text}
        self.tier = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and (a.get("id") or "").startswith("tier"):
            self.tier = int(a["id"][4:])
            self.tiers[self.tier] = {}
        self.stack.append((tag, a.get("id"), a.get("data-k")))
        if a.get("id"):
            self.by_id.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        while self.stack:
            t, _, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "tr":
            self.tier = None

    def handle_data(self, data):
        for _, ident, key in self.stack:
            if ident:
                self.by_id[ident] = self.by_id.get(ident, "") + data
        if self.tier is not None and self.stack and self.stack[-1][2]:
            k = self.stack[-1][2]
            self.tiers[self.tier][k] = self.tiers[self.tier].get(k, "") + data


def chromium(work, url, extra):
    browser = next((b for b in BROWSERS if shutil.which(b)), None)
    check(browser is not None, "no chromium found (Debian package chromium)")
    profile = work / "chromium-profile"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-default-apps",
           "--disable-extensions", "--disable-breakpad", "--disable-domain-reliability",
           "--disable-client-side-phishing-detection", "--no-proxy-server",
           "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
           "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
           f"--user-data-dir={profile}", "--virtual-time-budget=4000"] + extra + [url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"chromium failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


async def traffic(port, patterns):
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws", max_size=None) as ws:
        for p in sorted(Path(patterns).glob("*.ledp"))[:2]:
            await ws.send(p.read_bytes())
            check(json.loads(await ws.recv())["ok"], "upload")
        bad = bytearray(ledpattern.build("oops", [[(1, 2, 3)] * 4], 4))
        bad[50] ^= 1
        await ws.send(bytes(bad))
        check(not json.loads(await ws.recv())["ok"], "corrupted upload accepted")
        for cmd in ["play rainbow", "brightness 80", "status", "bogus", "stop"]:
            await ws.send(cmd)
            await ws.recv()


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    server, patterns, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    proc, port = start(server, scratch_patterns(patterns, work))
    try:
        url = f"http://127.0.0.1:{port}/"
        asyncio.run(traffic(port, patterns))
        time.sleep(1.5)  # idle: the renderer released the pattern, a health poll ran
        h1 = health(port)
        dom_text = chromium(work, url, ["--dump-dom"])
        h2 = health(port)
        (work / "status_page.html").write_text(dom_text)
        shot = work / "status_page.png"
        chromium(work, url, [f"--screenshot={shot}", "--window-size=1000,1000",
                             "--hide-scrollbars"])
        check(shot.exists() and shot.stat().st_size > 1000, "no screenshot written")
        dom = Dom()
        dom.feed(dom_text)
        check(int(dom.by_id.get("polls", "0") or 0) >= 1, "the page's script never showed a report")
        seen = json.loads(dom.by_id["raw"])  # the report the page rendered
        compare_page(dom, seen)
        compare_moment(seen, h1, h2)
        print(f"status page: {len(seen['app']['tiers'])} tiers, "
              f"{len(seen['app']['counters'])} counters and 8 other figures shown as /health "
              f"reported them; screenshot {shot}")
        proc.send_signal(signal.SIGINT)  # (the load test ends its server with SIGTERM)
        out, err = proc.communicate(timeout=60)
    except BaseException:
        proc.kill()
        out, err = proc.communicate()
        print(out)
        print(err, file=sys.stderr)
        raise
    check(proc.returncode == 0, f"server exit code {proc.returncode}: {out[-1000:]} {err[-1000:]}")
    print("PASS")
    return 0


def compare_page(dom, seen):
    """Every figure on the page is the one in the report the page fetched."""
    a = seen["app"]
    for k in ["largest_allocatable", "pool_blocks_in_use", "pool_failed", "patterns",
              "connections_open"]:
        check(dom.by_id.get(k, "").strip() == str(a[k]), f"page {k} {dom.by_id.get(k)!r} != {a[k]}")
    for k in ["heap_max_block", "heap_free", "heap_fragmentation"]:
        check(dom.by_id.get(k, "").strip() == str(seen[k]), f"page {k} != {seen[k]}")
    check(len(dom.tiers) == len(a["tiers"]), "tier rows")
    for i, t in enumerate(a["tiers"]):
        row = dom.tiers[i]
        for key, field in [("block_size", "block_size"), ("block_count", "block_count"),
                           ("in_use", "in_use"), ("peak", "peak"), ("failed", "failed")]:
            check(row.get(key, "").strip() == str(t[field]), f"tier {i} {key}: {row} vs {t}")
    for k, v in a["counters"].items():
        check(dom.by_id.get("c_" + k, "").strip() == str(v), f"counter {k}")


def compare_moment(seen, h1, h2):
    """The page's report is /health at that moment (between H1 and H2)."""
    a, a1, a2 = seen["app"], h1["app"], h2["app"]
    for k in ["largest_allocatable", "pool_blocks_in_use", "pool_failed", "patterns",
              "pattern_blocks"]:
        check(a1[k] == a2[k] == a[k], f"{k}: page {a[k]}, /health {a1[k]} then {a2[k]}")
    for i, t in enumerate(a["tiers"]):
        for f in ["block_size", "block_count", "in_use", "peak", "failed"]:
            check(a1["tiers"][i][f] == a2["tiers"][i][f] == t[f], f"tier {i} {f}")
    for k, v in a["counters"].items():
        lo, hi = a1["counters"][k], a2["counters"][k]
        check(lo <= v <= hi, f"counter {k}: page {v}, /health {lo} then {hi}")
    # the heap figures come from the monitor's last poll: equal whenever no poll
    # ran in between, else each is one of the polls' values (never made up)
    for k in ["heap_max_block", "heap_free", "heap_fragmentation"]:
        if h1["polls"] == h2["polls"]:
            check(h1[k] == h2[k] == seen[k], f"{k}")
        check(h1["polls"] <= seen["polls"] <= h2["polls"], "polls")


if __name__ == "__main__":
    run_test(main)
