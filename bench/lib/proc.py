"""Running a command and measuring it: wall time, peak RSS (GNU time), exit code, load average."""

import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"


def loadavg():
    """The 1, 5 and 15 minute load averages, as floats."""
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


@dataclass
class Timed:
    """One measured run of a command."""
    cmd: list
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str
    load_before: list = field(default_factory=list)

    def ok(self, *allowed):
        return self.returncode in (allowed or (0,))


class CommandFailed(Exception):
    def __init__(self, timed):
        tail = "\n".join(timed.stderr.strip().splitlines()[-8:])
        super().__init__(f"command failed with exit status {timed.returncode}: "
                         f"{' '.join(map(str, timed.cmd))}\n{tail}")
        self.timed = timed


SIGNAL_RETRIES = []   # commands that died of a signal sent from outside and were run again


def run_timed(cmd, *, ok_codes=(0,), stdin=None, stdout_path=None, cwd=None, env=None,
              signal_retries=2):
    """As _run_timed, but runs the command again (up to signal_retries times) when a signal from
    outside killed it: the machine is shared, and others' test runs may kill processes."""
    for attempt in range(signal_retries + 1):
        try:
            return _run_timed(cmd, ok_codes=ok_codes, stdin=stdin, stdout_path=stdout_path,
                              cwd=cwd, env=env)
        except CommandFailed as e:
            if e.timed.returncode >= 0 or attempt == signal_retries:
                raise
            SIGNAL_RETRIES.append(f"{' '.join(e.timed.cmd[:3])}… killed by signal "
                                  f"{-e.timed.returncode}; run again")


def _run_timed(cmd, *, ok_codes=(0,), stdin=None, stdout_path=None, cwd=None, env=None):
    """Runs `cmd` under GNU time; returns a Timed, raising CommandFailed on an unexpected exit code.

    Wall time is taken here with a monotonic clock (finer than GNU time's %e); peak RSS is GNU
    time's %M (maximum resident set size of the process, KB); CPU seconds are user + system.
    """
    cmd = [str(c) for c in cmd]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [GNU_TIME, "-f", "%M %U %S", "-o", tf.name] + cmd
        load = loadavg()
        out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
        try:
            start = time.perf_counter()
            p = subprocess.run(full, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                               stdout=out, stderr=subprocess.PIPE, cwd=cwd, env=env)
            seconds = time.perf_counter() - start
        finally:
            if stdout_path:
                out.close()
        rss_kb, cpu = 0, 0.0
        for line in tf.read().splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[0].isdigit():
                rss_kb, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    t = Timed(cmd=cmd, seconds=seconds, peak_rss_mb=rss_kb / 1024.0, cpu_seconds=cpu, returncode=p.returncode,
              stdout=(p.stdout or b"").decode("utf-8", "replace") if not stdout_path else "",
              stderr=p.stderr.decode("utf-8", "replace"), load_before=load)
    if p.returncode not in ok_codes:
        raise CommandFailed(t)
    return t


def median_of(n, fn):
    """Calls fn() n times; returns (median seconds, list of Timed/float results)."""
    runs = [fn() for _ in range(n)]
    secs = [r.seconds if isinstance(r, Timed) else r for r in runs]
    return statistics.median(secs), runs


def remove_db(path):
    """Removes an SQLite database and its -wal/-shm/-journal companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass


def db_bytes(path):
    """Bytes of a database on disk, its -wal included."""
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(str(path) + suffix)
        except FileNotFoundError:
            pass
    return total
