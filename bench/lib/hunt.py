"""Driving the `hunt` binary: load, detect, sql; parsing the figures it reports on stderr."""

import re
import sqlite3
import subprocess

from .proc import db_bytes, remove_db, run_timed

TOTAL_RE = re.compile(
    r"read (\d+) = loaded (\d+) \+ duplicates (\d+) \+ not relevant (\d+) \+ rejected (\d+) "
    r"in ([\d.]+) s")
INDEX_RE = re.compile(r"built (\d+) indexes in ([\d.]+) s")
RULE_RE = re.compile(r"^(\S+): (\d+) alerts?, (\d+) suppressed.*\(([\d.]+) s\)", re.M)


class Hunt:
    def __init__(self, binary):
        self.binary = str(binary)

    def load(self, db, inputs, fresh=True, extra=()):
        """Runs `hunt load`; returns a dict of what it did and what it cost."""
        if fresh:
            remove_db(db)
        t = run_timed([self.binary, "load", "--db", db, "--quiet", *extra, *inputs],
                      ok_codes=(0, 3))
        m = TOTAL_RE.search(t.stderr)
        if not m:
            raise RuntimeError(f"hunt load printed no totals line:\n{t.stderr[-2000:]}")
        read, loaded, dup, irrelevant, rejected, _ = m.groups()
        idx = INDEX_RE.search(t.stderr)
        return {
            "seconds": t.seconds, "peak_rss_mb": t.peak_rss_mb, "exit": t.returncode,
            "cpu_seconds": t.cpu_seconds,
            "read": int(read), "loaded": int(loaded), "duplicates": int(dup),
            "not_relevant": int(irrelevant), "rejected": int(rejected),
            "indexes_built": int(idx.group(1)) if idx else 0,
            "index_seconds": float(idx.group(2)) if idx else None,
            "db_bytes": db_bytes(db), "load_before": t.load_before,
        }

    def detect(self, db, rule):
        """Runs one rule to CSV on /dev/null; returns wall seconds, RSS and the rule's own figures."""
        t = run_timed([self.binary, "detect", "--db", db, "--rule", rule, "--format", "csv",
                       "--output", "/dev/null"], ok_codes=(0, 2))
        m = RULE_RE.search(t.stderr)
        return {"seconds": t.seconds, "peak_rss_mb": t.peak_rss_mb, "cpu_seconds": t.cpu_seconds,
                "alerts": int(m.group(2)) if m else None,
                "suppressed": int(m.group(3)) if m else None,
                "sql_seconds": float(m.group(4)) if m else None}

    def sql_csv(self, db, sql, output):
        t = run_timed([self.binary, "sql", "--db", db, "--format", "csv", "--output", output, sql])
        return t

    def rule_sql(self, rule):
        """The rule's SQL as embedded in this binary (`hunt rules show`), not the file in the tree,
        which may have changed since the build."""
        out = subprocess.run([self.binary, "rules", "show", rule], capture_output=True,
                             text=True, check=True).stdout
        marker = out.find("\nSQL (")
        if marker < 0:
            raise RuntimeError(f"hunt rules show {rule} printed no SQL section")
        return out[out.index("\n", marker + 1) + 1:].strip() + "\n"

    def rules(self):
        out = subprocess.run([self.binary, "rules"], capture_output=True, text=True).stdout
        ids = []
        for line in out.splitlines()[2:]:
            if line.strip():
                ids.append(line.split()[0])
        return ids


RULE_DEFAULTS = {"min_port": 49152, "window_ms": 1000, "since": None, "until": None, "host": None}


def rule_params(sql):
    return {k: v for k, v in RULE_DEFAULTS.items() if f":{k}" in sql}


def open_ro(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # remote_service_rpc calls hunt's allowlist function; with its parameter at the default
    # (NULL: no entries, as when suppressed alerts are listed) the answer is always 0.
    con.create_function("hunt_allowlisted", 2, lambda entries, value: 0, deterministic=True)
    return con


def query_plan(db, sql):
    """EXPLAIN QUERY PLAN of a rule's SQL (same system SQLite as hunt), as indented lines."""
    con = open_ro(db)
    rows = con.execute("EXPLAIN QUERY PLAN " + sql, rule_params(sql)).fetchall()
    con.close()
    depth = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def scalar(db, sql):
    con = open_ro(db)
    value = con.execute(sql).fetchone()[0]
    con.close()
    return value
