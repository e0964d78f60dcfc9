"""What the host server's tests share: the check that fails a test, a scratch
copy of the sample patterns (uploads and deletes write there, never into the
repository), and the server started on a port the system picks."""
import shutil
import subprocess
import sys
from pathlib import Path


class Failure(Exception):
    """A check failed: the test prints FAIL and the message, and exits 1."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def scratch_patterns(patterns, work):
    """Empties WORK and copies PATTERNS/*.ledp into WORK/patterns; returns that folder."""
    shutil.rmtree(work, ignore_errors=True)
    pdir = Path(work) / "patterns"
    pdir.mkdir(parents=True)
    for p in Path(patterns).glob("*.ledp"):
        shutil.copy(p, pdir)
    return pdir


def start(server, pdir, *extra):
    """Starts SERVER --port 0 --patterns PDIR EXTRA...; returns (process, port) once it
    prints 'listening on 127.0.0.1:PORT'. A server that says anything else is killed."""
    proc = subprocess.Popen([server, "--port", "0", "--patterns", str(pdir), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on 127.0.0.1:"):
        proc.kill()
        _, err = proc.communicate()
        raise Failure(f"server did not start: {line!r} {err[-1000:]}")
    return proc, int(line.strip().rsplit(":", 1)[1])


def run_test(main):
    """Exits with MAIN's return code, or with 1 after 'FAIL: why' when a check failed."""
    try:
        sys.exit(main())
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
