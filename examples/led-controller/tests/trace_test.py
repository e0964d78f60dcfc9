#!/usr/bin/env python3
"""The server's --trace FILE (the recording poolsim plans from) is complete, or
the server says it is not.

    trace_test.py SERVER_BINARY PATTERNS_DIR WORK_DIR

1. --trace WORK_DIR/ok.tpev: after a command and SIGTERM the server exits 0
   and the file is a trace (its header, then one A line per pattern loaded).
2. --trace /dev/full (every write fails with ENOSPC): the server must not exit
   0 as if the trace were there; it exits 1 and says the trace is incomplete.
"""
import asyncio
import signal
import sys
from pathlib import Path

import websockets

from ledserver import check, run_test, scratch_patterns, start


def run(server, pdir, trace):
    proc, port = start(server, pdir, "--trace", trace)
    try:
        async def talk():
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
                await ws.send("status")
                await asyncio.wait_for(ws.recv(), 20)

        asyncio.run(talk())
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out, err


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    server, patterns, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    pdir = scratch_patterns(patterns, work)
    n = len(list(pdir.glob("*.ledp")))

    rc, out, err = run(server, pdir, str(work / "ok.tpev"))
    check(rc == 0, f"--trace to a file: exit {rc}: {err}")
    lines = (work / "ok.tpev").read_text().splitlines()
    check(lines and lines[0].startswith("tpev "), f"no trace header: {lines[:1]}")
    allocs = sum(1 for x in lines if x.startswith("A "))
    check(allocs >= n, f"{allocs} allocations in the trace, {n} patterns loaded")
    print(f"--trace {work / 'ok.tpev'}: exit 0, {len(lines)} lines ({allocs} allocations)")

    rc, out, err = run(server, pdir, "/dev/full")
    check(rc == 1, f"--trace /dev/full: exit {rc}, not 1 (the trace was lost)")
    check("could not be written completely" in err, f"--trace /dev/full: no word about it: {err!r}")
    print(f"--trace /dev/full: exit 1, '{err.strip().splitlines()[-1]}'")
    print("PASS")
    return 0


if __name__ == "__main__":
    run_test(main)
