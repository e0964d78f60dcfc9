#!/usr/bin/env python3
"""Load and bad-input test of the LED controller's host server, with a real
WebSocket client (Debian's python3-websockets) on loopback.

    load_test.py SERVER_BINARY PATTERNS_DIR WORK_DIR [--trace FILE] [--scale N] [--no-peak]

Starts the server on a free port with a copy of PATTERNS_DIR, then runs
concurrent clients: commanders, uploaders (more names than the store holds, so
uploads evict), garbage senders (binary and text), truncated and corrupted
patterns, messages over the limit (must end with close 1009), clients that
vanish in the middle of a message, pipelined bursts, and a prober that checks
the server keeps answering. Then it checks that

  - every message got exactly one reply (a JSON object with "ok"), or the
    over-limit ones the 1009 close, the text messages that are not UTF-8 the
    1007 close (messages sent = replies + closes);
  - no refused upload left state (its name is neither in memory nor on disk);
  - with the clients gone, the pool holds exactly the stored patterns, and after
    restoring the initial patterns, exactly the initial blocks per tier;
  - no pool allocation failed; the application made no heap call after start-up;
  - on SIGTERM the server exits 0 having released everything (its own check;
    under ASan, LeakSanitizer checks the process heap too).

Bounded in time: each wait has a timeout, and the whole run a deadline.
"""
import asyncio
import json
import os
import random
import signal
import sys
import time
import urllib.request
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import ledpattern  # noqa: E402
from ledserver import Failure, check, run_test, scratch_patterns, start  # noqa: E402

LIMIT = 4096
STORE_CAPACITY = 8
TIMEOUT = 20.0  # any single reply
DEADLINE = 90.0  # the whole load phase


class Stats:
    def __init__(self):
        self.sent = 0
        self.replies = 0
        self.closes_1009 = 0
        self.closes_1007 = 0
        self.vanished = 0
        self.refused_names = set()
        self.uploaded = 0
        self.evictions_seen = 0
        self.probes = 0
        self.peak_blocks = 0


def pattern(name, rng, max_bytes=LIMIT):
    """A valid pattern of random geometry under max_bytes."""
    while True:
        leds = rng.randint(1, 120)
        frames = rng.randint(1, 12)
        indexed = rng.random() < 0.4
        per = 1 if indexed else 3
        if 93 + leds * frames * per <= max_bytes:
            break
    if indexed:
        pal = [(rng.randrange(256), rng.randrange(256), rng.randrange(256))
               for _ in range(rng.randint(1, 15))]
        fr = [[rng.randrange(len(pal)) for _ in range(leds)] for _ in range(frames)]
        return ledpattern.build(name, fr, leds, frame_ms=rng.randint(10, 200), palette=pal)
    fr = [[(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(leds)]
          for _ in range(frames)]
    return ledpattern.build(name, fr, leds, frame_ms=rng.randint(10, 200))


class Client:
    def __init__(self, url, stats, rng, name):
        self.url, self.stats, self.rng, self.name = url, stats, rng, name
        self.ws = None

    async def connect(self):
        self.ws = await asyncio.wait_for(websockets.connect(self.url, max_size=None,
                                                            ping_interval=None), TIMEOUT)

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def request(self, msg):
        """One message, exactly one reply (a JSON object with "ok")."""
        await self.ws.send(msg)
        self.stats.sent += 1
        raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
        check(isinstance(raw, str), f"{self.name}: binary reply")
        reply = json.loads(raw)
        check(isinstance(reply, dict) and isinstance(reply.get("ok"), bool),
              f"{self.name}: reply without ok: {raw[:200]}")
        check(reply["ok"] or isinstance(reply.get("error"), str),
              f"{self.name}: refusal without error: {raw[:200]}")
        self.stats.replies += 1
        return reply

    async def burst(self, msgs):
        """Pipelined: send all, then one reply per message, in order."""
        for m in msgs:
            await self.ws.send(m)
            self.stats.sent += 1
        out = []
        for _ in msgs:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            out.append(json.loads(raw))
            self.stats.replies += 1
        return out

    async def expect_1009(self, msg):
        """A message over the limit: the server closes with 1009, no reply."""
        await self.ws.send(msg)
        self.stats.sent += 1
        try:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            raise Failure(f"{self.name}: reply to an over-limit message: {raw[:100]}")
        except websockets.ConnectionClosed as e:
            code = e.rcvd.code if e.rcvd is not None else None
            check(code == 1009, f"{self.name}: closed with {code}, not 1009")
            self.stats.closes_1009 += 1
        self.ws = None


async def commander(url, stats, rng, n, names):
    c = Client(url, stats, rng, "commander")
    await c.connect()
    for _ in range(n):
        k = rng.random()
        if k < 0.25:
            r = await c.request("status")
            check(r["ok"] and "pool" in r, f"status: {r}")
        elif k < 0.45:
            r = await c.request("list")
            check(r["ok"] and len(r["patterns"]) <= STORE_CAPACITY, f"list: {r}")
        elif k < 0.65:
            r = await c.request("play " + rng.choice(names))
        elif k < 0.75:
            r = await c.request("stop")
            check(r["ok"], f"stop: {r}")
        elif k < 0.85:
            r = await c.request(f"brightness {rng.randint(0, 255)}")
            check(r["ok"], f"brightness: {r}")
        elif k < 0.88:
            r = await c.request("delete " + rng.choice(names))
        elif k < 0.9:  # a command of exactly the limit, whole or in fragments
            body = "status" + " " * (LIMIT - 6)
            if rng.random() < 0.5:
                r = await c.request(body)
            else:
                r = await c.request([body[i:i + 1000] for i in range(0, LIMIT, 1000)])
            check(r["ok"], f"a {LIMIT}-byte command: {r}")
        else:
            rs = await c.burst(["status"] * rng.randint(2, 8))
            check(all(x["ok"] for x in rs), "burst")
    await c.close()


async def uploader(url, stats, rng, n, names):
    c = Client(url, stats, rng, "uploader")
    await c.connect()
    for _ in range(n):
        name = rng.choice(names)
        data = pattern(name, rng)
        if rng.random() < 0.3:  # fragmented, unknown total length
            step = rng.randint(50, 1500)
            r = await c.request([data[i:i + step] for i in range(0, len(data), step)])
        else:
            r = await c.request(data)
        check(r["ok"] and r["stored"] == name and r["bytes"] == len(data), f"upload: {r}")
        stats.uploaded += 1
        stats.evictions_seen += 1 if "evicted" in r else 0
    await c.close()


async def bad_inputs(url, stats, rng, n, ident):
    """Garbage, truncated and corrupted patterns: each refused, leaving no state."""
    c = Client(url, stats, rng, f"bad{ident}")
    await c.connect()
    for k in range(n):
        name = f"bad-{ident}-{k}"
        good = pattern(name, rng)
        kind = rng.randrange(6)
        if kind == 0:
            msg = bytes(rng.randrange(256) for _ in range(rng.randint(1, LIMIT)))
        elif kind == 1:
            msg = good[:rng.randint(0, len(good) - 1)]  # truncated
        elif kind == 2:
            b = bytearray(good)
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)  # one flipped bit anywhere
            msg = bytes(b)
        elif kind == 3:
            msg = good + bytes([rng.randrange(256)])  # a trailing byte
        elif kind == 4:
            msg = "".join(chr(rng.randint(1, 0x2FF)) for _ in range(rng.randint(0, 300)))
        else:
            msg = rng.choice(["play", "play " + "x" * 300, "delete", "brightness 999",
                              "brightness -3", "status now", "\x00", "list list",
                              "play ../../etc/passwd", " " * 4000])
        r = await c.request(msg)
        check(not r["ok"], f"bad input accepted ({kind}): {r}")
        if isinstance(msg, bytes):
            stats.refused_names.add(name)
    await c.close()


async def too_big(url, stats, rng, n):
    for k in range(n):
        c = Client(url, stats, rng, "toobig")
        await c.connect()
        if k % 2 == 0:
            await c.expect_1009(bytes(LIMIT + 1 + rng.randint(0, 20000)))
        else:  # fragmented: the total passes the limit only at a later fragment
            await c.expect_1009([b"x" * 1000] * 5)
        # a valid message on a fresh connection still works
        c = Client(url, stats, rng, "toobig-after")
        await c.connect()
        r = await c.request("status")
        check(r["ok"], "status after 1009")
        await c.close()


async def bad_utf8(url, stats, rng, n):
    """Text messages that are not UTF-8 (RFC 6455 8.1): closed with 1007, no reply."""
    for _ in range(n):
        c = Client(url, stats, rng, "bad-utf8")
        await c.connect()
        cmd = b"play " + bytes([rng.choice([0x80, 0xC0, 0xFF])]) + b"x"
        await c.ws.write_frame(True, 0x1, cmd)
        stats.sent += 1
        try:
            raw = await asyncio.wait_for(c.ws.recv(), TIMEOUT)
            raise Failure(f"reply to a text message that is not UTF-8: {raw[:100]}")
        except websockets.ConnectionClosed as e:
            code = e.rcvd.code if e.rcvd is not None else None
            check(code == 1007, f"text not UTF-8: closed with {code}, not 1007")
            stats.closes_1007 += 1


async def vanisher(url, stats, rng, n):
    """Clients that vanish in the middle of a message (no close handshake)."""
    for _ in range(n):
        c = Client(url, stats, rng, "vanisher")
        await c.connect()
        data = pattern(f"gone-{rng.randrange(1 << 30)}", rng)
        cut = rng.randint(1, len(data) - 1)
        # the first fragment of a fragmented binary message, then nothing
        await c.ws.write_frame(False, 0x2, data[:cut])
        await asyncio.sleep(rng.random() * 0.02)
        c.ws.transport.abort()
        stats.vanished += 1
        stats.refused_names.add(data[20:44].rstrip(b"\0").decode())


MAX_CONNS = 24  # LED_MAX_CONNS of the application


async def peak(url, url_http, stats, rng):
    """The application's worst case for its pool, on purpose: the store full of
    patterns of the largest size class, and every connection the server allows
    holding a message of the largest size (LIMIT bytes, its first fragment sent,
    the last one not yet). Recorded with --trace, this is what makes the planned
    tiers cover any traffic (docs/led-controller.md, "The memory plan"). One
    more connection is refused with 1013."""
    first = Client(url, stats, rng, "peak")
    await first.connect()
    for i in range(STORE_CAPACITY):
        fr = [[rng.randrange(4) for _ in range(300)] for _ in range(13)]
        data = ledpattern.build(f"big{i}", fr, 300, palette=[(9, 9, 9)] * 4)
        r = await first.request(data)
        check(r["ok"], f"peak upload: {r}")
    conns = [first]
    for i in range(MAX_CONNS - 1):
        c = Client(url, stats, rng, "peak")
        await c.connect()
        conns.append(c)
    body = b"status" + b" " * (LIMIT - 6)
    for c in conns:
        await c.ws.write_frame(False, 0x1, body)  # a whole LIMIT-byte fragment, FIN not set
        stats.sent += 1
    want = MAX_CONNS + STORE_CAPACITY
    for _ in range(200):
        a = json.loads(http_get(url_http + "/health"))["app"]
        if a["pool_blocks_in_use"] >= want:
            break
        await asyncio.sleep(0.02)
    check(a["pool_blocks_in_use"] == want, f"peak: {a['pool_blocks_in_use']} blocks, not {want}")
    check(a["pool_failed"] == 0, "peak: a pool allocation failed")
    extra = Client(url, stats, rng, "extra")
    await extra.connect()
    try:
        raw = await asyncio.wait_for(extra.ws.recv(), TIMEOUT)
        raise Failure(f"connection {MAX_CONNS + 1} was served: {raw[:80]}")
    except websockets.ConnectionClosed as e:
        check(e.rcvd is not None and e.rcvd.code == 1013, "connection over the limit not closed 1013")
    for c in conns:
        await c.ws.write_frame(True, 0x0, b"")  # the last fragment: the message is complete
    for c in conns:
        r = json.loads(await asyncio.wait_for(c.ws.recv(), TIMEOUT))
        check(r["ok"], f"peak status: {r}")
        stats.replies += 1
        await c.close()
    return want


async def prober(url_http, stats, stop):
    """The server keeps answering: /health every 100 ms, each within the timeout."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        body = await loop.run_in_executor(None, http_get, url_http + "/health")
        h = json.loads(body)
        check(h["app"]["pool_failed"] == 0, "a pool allocation failed during the load")
        stats.probes += 1
        try:
            await asyncio.wait_for(stop.wait(), 0.1)
        except asyncio.TimeoutError:
            pass


def http_get(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
        check(r.status == 200, f"GET {url}: {r.status}")
        return r.read().decode()


async def run(port, scale, seed, with_peak=True):
    url = f"ws://127.0.0.1:{port}/ws"
    url_http = f"http://127.0.0.1:{port}"
    stats = Stats()
    rng = random.Random(seed)
    base = json.loads(http_get(url_http + "/health"))["app"]
    if with_peak:
        stats.peak_blocks = await peak(url, url_http, stats, rng)
    names = [f"p{i}" for i in range(STORE_CAPACITY + 6)] + ["rainbow", "chase"]
    stop = asyncio.Event()
    probe = asyncio.create_task(prober(url_http, stats, stop))
    tasks = []
    for i in range(4):
        tasks.append(commander(url, stats, random.Random(rng.random()), 60 * scale, names))
    for i in range(4):
        tasks.append(uploader(url, stats, random.Random(rng.random()), 40 * scale, names))
    for i in range(4):
        tasks.append(bad_inputs(url, stats, random.Random(rng.random()), 40 * scale, i))
    tasks.append(too_big(url, stats, random.Random(rng.random()), 4 * scale))
    tasks.append(vanisher(url, stats, random.Random(rng.random()), 10 * scale))
    tasks.append(vanisher(url, stats, random.Random(rng.random()), 10 * scale))
    tasks.append(commander(url, stats, random.Random(rng.random()), 60 * scale, names))
    tasks.append(bad_utf8(url, stats, random.Random(rng.random()), scale))
    t0 = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*tasks), DEADLINE)
    load_s = time.monotonic() - t0
    stop.set()
    await probe
    # ---- the clients are gone ----
    await asyncio.sleep(0.3)  # closes of vanished clients are processed
    c = Client(url, stats, rng, "final")
    await c.connect()
    await c.request("stop")
    await asyncio.sleep(0.3)  # the renderer retires the pattern; the service releases it
    lst = await c.request("list")
    for name in stats.refused_names:
        check(name not in lst["patterns"] and name not in lst["files"],
              f"state left by a refused upload: {name}")
    h = json.loads(http_get(url_http + "/health"))
    a = h["app"]
    check(a["pool_failed"] == 0, f"{a['pool_failed']} pool allocations failed")
    check(a["pins"] == 0, f"pins held after stop: {a['pins']}")
    check(a["pool_blocks_in_use"] == a["pattern_blocks"] == a["patterns"],
          f"blocks in use {a['pool_blocks_in_use']} != patterns {a['patterns']}: "
          f"a message block was not released")
    check(a["counters"]["heap_allocs_after_start"] == 0,
          f"the application called the heap {a['counters']['heap_allocs_after_start']} times "
          "after start-up")
    check(a["counters"]["frames_too_big"] == stats.closes_1009,
          f"1009 closes {stats.closes_1009} != refused {a['counters']['frames_too_big']}")
    check(a["counters"]["frames_refused"] == stats.closes_1009, "refusals other than 1009")
    check(a["connections_open"] == 1, f"connections still open: {a['connections_open']}")
    # every message that was answered counted once: the server's replies
    # include the final client's two requests
    check(a["counters"]["replies"] == stats.replies,
          f"server replied {a['counters']['replies']} times, client got {stats.replies}")
    # every message sent got its reply or its close (1009 over the limit, 1007
    # text not UTF-8); the vanished clients' messages were never complete
    check(stats.sent == stats.replies + stats.closes_1009 + stats.closes_1007,
          f"{stats.sent} messages sent, {stats.replies} replies + {stats.closes_1009} closes 1009 + "
          f"{stats.closes_1007} closes 1007")
    # restore the initial patterns: the pool must be exactly as at start
    for name in lst["patterns"]:
        await c.request("delete " + name)
    h = json.loads(http_get(url_http + "/health"))
    check(h["app"]["pool_blocks_in_use"] == 0, "blocks in use with no pattern stored")
    await c.close()
    return stats, load_s, base, h


async def restore_and_compare(port, patterns_dir, base):
    url = f"ws://127.0.0.1:{port}/ws"
    async with websockets.connect(url, max_size=None) as ws:
        for p in sorted(Path(patterns_dir).glob("*.ledp")):
            await ws.send(p.read_bytes())
            r = json.loads(await ws.recv())
            check(r["ok"], f"restore {p}: {r}")
    a = json.loads(http_get(f"http://127.0.0.1:{port}/health"))["app"]
    got = [t["in_use"] for t in a["tiers"]]
    want = [t["in_use"] for t in base["tiers"]]
    check(got == want, f"pool use per tier {got}, idle baseline {want}")
    return got


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__)
        return 2
    server, patterns, work = args[0], Path(args[1]), Path(args[2])
    trace = None
    scale = 1
    if "--trace" in args:
        trace = args[args.index("--trace") + 1]
    if "--scale" in args:
        scale = int(args[args.index("--scale") + 1])
    with_peak = "--no-peak" not in args  # only to show what a plan without it misses
    seed = int(os.environ.get("LOAD_SEED", "12"))
    pdir = scratch_patterns(patterns, work)
    t_start = time.monotonic()
    proc, port = start(server, pdir, *(["--trace", trace] if trace else []))
    try:
        stats, load_s, base, _ = asyncio.run(run(port, scale, seed, with_peak))
        got = asyncio.run(restore_and_compare(port, patterns, base))
        print(f"load: {stats.sent} messages, {stats.replies} replies, {stats.closes_1009} closes "
              f"1009, {stats.closes_1007} closes 1007, {stats.vanished} clients vanished mid-message, "
              f"{stats.uploaded} uploads "
              f"({stats.evictions_seen} evicted a pattern), {len(stats.refused_names)} refused "
              f"uploads left no state, {stats.probes} health probes, peak {stats.peak_blocks} pool "
              f"blocks; load phase {load_s:.1f} s; "
              f"pool per tier back to {got}")
        check(stats.evictions_seen > 0, "no upload evicted a pattern")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    except BaseException:
        proc.kill()
        out, err = proc.communicate()
        print(out)
        print(err, file=sys.stderr)
        raise
    print(out.strip())
    if err.strip():
        print(err.strip(), file=sys.stderr)
    check(proc.returncode == 0, f"server exit code {proc.returncode}")
    print(f"total {time.monotonic() - t_start:.1f} s: PASS")
    return 0


if __name__ == "__main__":
    run_test(main)
