"""Peers run on the same data in the same run: DuckDB, a naive Python loader, the evtx package,
and Zircolite (which cannot be installed here). Each runs as its own process, so its peak RSS is
measured like hunt's; a peer that cannot run is reported with the reason, never silently."""

import json
import subprocess
from pathlib import Path

from .proc import CommandFailed, remove_db, run_timed

PEERS = Path(__file__).resolve().parent.parent / "peers"

ZIRCOLITE_NOTE = ("Zircolite: could not run here (not installable from PyPI/Debian). Reference, "
                  "NOT measured in this run: Zircolite 3.7.0, one Sigma rule, 4 workers, on 29 "
                  "Security-Datasets files (196,869 events, 381 MB): 35.8 s = 5.5k events/s "
                  "(shared/MEASURED.md, same kind of machine).")
ZIRCOLITE_REF_EVENTS_PER_S = 196869 / 35.8


class Peers:
    def __init__(self, peer_python, notes):
        self.python = str(peer_python)
        self.notes = notes          # list of strings: why a peer did not run
        self.available = {name: self._importable(name) for name in ("duckdb", "evtx")}
        for name, ok in self.available.items():
            if not ok:
                self._note(f"{name}: could not run (the {name} package is not installed in "
                           f"bench/.venv; pip install failed?)")

    def _importable(self, module):
        try:
            return subprocess.run([self.python, "-c", f"import {module}"],
                                  capture_output=True).returncode == 0
        except OSError:
            return False

    def _note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def _run_json(self, interpreter, script, args, label):
        try:
            t = run_timed([interpreter, str(PEERS / script), *args])
        except CommandFailed as e:
            self._note(f"{label}: failed: {e}")
            return None
        result = json.loads(t.stdout.strip().splitlines()[-1])
        result["wall_seconds"] = t.seconds
        result["peak_rss_mb"] = t.peak_rss_mb
        return result

    def duckdb_load(self, db, files):
        """DuckDB read_json of the files into one table (what a hunter would type)."""
        if not self.available["duckdb"]:
            return None
        remove_db(db)
        r = self._run_json(self.python, "duckdb_load.py", [db, *files], "DuckDB load")
        remove_db(db)
        return r

    def duckdb_rpc(self, db, ndjson, runs, between=None):
        """DuckDB: load the rule's columns of flat NDJSON, then time the range join `runs` times;
        with `between` (a command), that command is run and timed before each query."""
        if not self.available["duckdb"]:
            return None
        remove_db(db)
        extra = [json.dumps([str(a) for a in between])] if between else []
        r = self._run_json(self.python, "duckdb_rpc.py", [db, ndjson, runs, *extra], "DuckDB range join")
        remove_db(db)
        return r

    def naive_sqlite(self, db, files, python3="python3"):
        """The naive baseline: json.loads every line, sqlite3 inserts (standard library only)."""
        remove_db(db)
        r = self._run_json(python3, "naive_sqlite.py", [db, *files], "naive Python loader")
        remove_db(db)
        return r

    def evtx(self, path):
        """The evtx package (Rust) renders every record of the file as JSON."""
        if not self.available["evtx"]:
            return None
        return self._run_json(self.python, "evtx_count.py", [path], "evtx (PyPI)")

    def zircolite(self):
        self._note(ZIRCOLITE_NOTE)
        return None
