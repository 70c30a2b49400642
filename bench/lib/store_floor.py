"""SQLite's own floor for a load (issue 14): the time SQLite alone needs to store what `hunt load`
stored, with nothing of hunt in it.

Into a fresh database with the same tables, the rows of a store hunt loaded are copied by one
`INSERT … SELECT` per table in row order (no input read, no JSON, no C API call per row, no
dictionary look-up, one transaction), with the indexes the writer keeps during a load already
there; then each index hunt defers is built on its own, with hunt's settings (two sorting
threads, a 16 MiB page cache). Every index's build time and bytes are reported, so what each
costs a load and the store is read off one run.

No loader of this schema on this SQLite can go below this time, so `events / floor seconds` bounds
any load rate.
"""

import resource
import sqlite3
import time

from .hunt import open_ro
from .proc import remove_db

# The tables a load of process and network events writes, parents before the rows naming them.
TABLES = ("hosts", "sources", "names", "strings", "texts", "entities", "process_rows", "network_rows")
EVENT_TABLES = ("process_rows", "network_rows")
# The indexes hunt keeps during a load (DeferredIndexes.droppable leaves these out).
KEPT_DURING_LOAD = {"processes_by_record", "network_by_record", "processes_security_by_pid",
                    "processes_security_by_time", "processes_security_by_entity", "network_security_by_time"}


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(con, sql):
    wall, cpu = time.perf_counter(), _cpu()
    con.execute(sql)
    return time.perf_counter() - wall, _cpu() - cpu


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def run(db, floor_db, events):
    """Copies `db`'s event tables into `floor_db` and builds the deferred indexes one by one."""
    source = open_ro(db)
    schema = source.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND tbl_name IN ("
        + ",".join("?" * len(TABLES)) + ") AND type IN ('table', 'index') ORDER BY rowid", TABLES).fetchall()
    source.close()
    tables = {name: sql for kind, name, _, sql in schema if kind == "table"}
    missing = [t for t in TABLES if t not in tables]
    if missing:
        raise RuntimeError(f"store floor: {db} has no table {', '.join(missing)}")
    deferred = [(name, sql) for kind, name, table, sql in schema
                if kind == "index" and table in EVENT_TABLES and name not in KEPT_DURING_LOAD]
    kept = [sql for kind, name, table, sql in schema
            if kind == "index" and not (table in EVENT_TABLES and name not in KEPT_DURING_LOAD)]

    remove_db(floor_db)
    con = sqlite3.connect(floor_db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA cache_size = -65536")
    for name in TABLES:
        con.execute(tables[name])
    for sql in kept:
        con.execute(sql)
    con.execute("ATTACH DATABASE ? AS loaded", (f"file:{db}?mode=ro",))

    wall, cpu = time.perf_counter(), _cpu()
    con.execute("BEGIN")
    copies = []
    for name in TABLES:
        w, c = _timed(con, f"INSERT INTO main.{name} SELECT * FROM loaded.{name} ORDER BY rowid")
        copies.append({"table": name, "seconds": w, "cpu_seconds": c})
    con.execute("COMMIT")
    copy = {"seconds": time.perf_counter() - wall, "cpu_seconds": _cpu() - cpu, "tables": copies}
    con.execute("DETACH DATABASE loaded")

    con.execute("PRAGMA threads = 2")
    con.execute("PRAGMA cache_size = -16384")
    built = []
    for name, sql in deferred:
        w, c = _timed(con, sql)
        built.append({"index": name, "seconds": w, "cpu_seconds": c})
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sizes = dict(con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    con.close()
    remove_db(floor_db)

    for row in built:
        row["bytes_per_event"] = sizes.get(row["index"], 0) / max(events, 1)
    for row in copies:
        row["bytes_per_event"] = sizes.get(row["table"], 0) / max(events, 1)
    index_seconds = sum(b["seconds"] for b in built)
    floor = copy["seconds"] + index_seconds
    out = {"copy": copy, "indexes": built, "index_seconds": index_seconds,
           "index_cpu_seconds": sum(b["cpu_seconds"] for b in built),
           "seconds": floor, "events_per_s": events / floor if floor else None}
    print(f"store floor: copy {copy['seconds']:.2f} s ({copy['cpu_seconds']:.2f} s CPU), "
          f"{len(built)} indexes {index_seconds:.2f} s, together {floor:.2f} s = "
          f"{out['events_per_s']:,.0f} events/s at most")
    for b in built:
        print(f"store floor:   {b['index']:28s} {b['seconds']:6.2f} s  {b['bytes_per_event']:5.1f} B/event")
    return out
