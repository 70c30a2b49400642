"""The Zircolite approach, for the sigma benchmark: Sigma rules converted by pySigma's SQLite
backend with the Sysmon pipeline, run over one flat SQLite table of every event.

  pysigma_sqlite.py build FLAT_DB NDJSON...      flat table `logs` from flat Sysmon NDJSON (or .gz)
  pysigma_sqlite.py convert QUERIES_JSON DIR...  every .yml under the folders -> SQL (or why not)
  pysigma_sqlite.py run FLAT_DB QUERIES_JSON     every query, all rows fetched; counts per rule

Like Zircolite: one column per field of the events, text as TEXT COLLATE NOCASE (integers as
INTEGER), a REGEXP function backed by Python's re, every query a scan of the table. Each
subcommand prints one JSON line of what it did (the harness measures wall time and RSS).
"""

import gzip
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

TABLE = "logs"


def _open(path):
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def build(db, files):
    """One row per event; the columns are the union of the events' keys (nested values as JSON)."""
    started = time.perf_counter()
    columns, types = [], {}
    for path in files:
        with _open(path) as f:
            for line in f:
                if line.strip():
                    for key, value in json.loads(line).items():
                        if key not in types:
                            columns.append(key)
                            types[key] = "INTEGER" if isinstance(value, int) and not isinstance(value, bool) else "TEXT COLLATE NOCASE"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    definition = ", ".join(f'"{c}" {types[c]}' for c in columns)
    con.execute(f"CREATE TABLE {TABLE} (row_id INTEGER PRIMARY KEY, {definition})")
    insert = f"INSERT INTO {TABLE} ({', '.join(chr(34) + c + chr(34) for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"
    rows, batch = 0, []
    for path in files:
        with _open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                event = json.loads(line)
                batch.append([_cell(event.get(c)) for c in columns])
                if len(batch) == 50_000:
                    con.executemany(insert, batch)
                    rows += len(batch)
                    batch = []
    con.executemany(insert, batch)
    rows += len(batch)
    con.commit()
    con.close()
    print(json.dumps({"rows": rows, "columns": len(columns), "seconds": time.perf_counter() - started}))


def _cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, bool):
        return str(value).lower()
    return value


def convert(out, folders):
    """pySigma + pySigma-backend-sqlite + the Sysmon pipeline, one rule at a time (one failure
    does not lose the others, as in Zircolite's rule conversion)."""
    from sigma.backends.sqlite import sqliteBackend
    from sigma.collection import SigmaCollection
    from sigma.pipelines.sysmon import sysmon_pipeline

    started = time.perf_counter()
    backend = sqliteBackend(sysmon_pipeline())
    converted, failed = [], []
    files = sorted(p for folder in folders for p in Path(folder).rglob("*.yml"))
    for path in files:
        try:
            collection = SigmaCollection.from_yaml(path.read_text(encoding="utf-8"))
            rule = collection.rules[0]
            queries = backend.convert(collection)
            converted.append({"path": str(path), "id": str(rule.id), "title": rule.title, "queries": queries})
        except Exception as e:  # noqa: BLE001 - any conversion error is the peer's result
            failed.append({"path": str(path), "error": f"{type(e).__name__}: {e}"[:300]})
    Path(out).write_text(json.dumps({"converted": converted, "failed": failed}))
    print(json.dumps({"rules": len(files), "converted": len(converted), "failed": len(failed),
                      "seconds": time.perf_counter() - started}))


def _regexp(pattern, value):
    if value is None:
        return False
    return re.search(pattern, str(value)) is not None


def run(db, queries_json):
    rules = json.loads(Path(queries_json).read_text())["converted"]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.create_function("regexp", 2, _regexp, deterministic=True)
    started = time.perf_counter()
    counts, errors = {}, []
    for rule in rules:
        total = 0
        for sql in rule["queries"]:
            try:
                total += len(con.execute(sql).fetchall())
            except sqlite3.Error as e:
                errors.append({"id": rule["id"], "error": str(e)[:200]})
        counts[rule["id"]] = total
    seconds = time.perf_counter() - started
    con.close()
    print(json.dumps({"rules": len(rules), "query_errors": len(errors), "errors": errors[:20],
                      "matches": sum(counts.values()), "counts": counts, "seconds": seconds}))


def main():
    command, *args = sys.argv[1:]
    if command == "build":
        build(args[0], args[1:])
    elif command == "convert":
        convert(args[0], args[1:])
    elif command == "run":
        run(args[0], args[1])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
