"""Load: events/s and MB/s per input dialect, peak RSS, database bytes per event, index build time;
peers on the same flat NDJSON (DuckDB, naive Python) and on the same EVTX file (evtx package)."""

import os

from . import profile
from .corpora import count_label, generator_dialects
from .hunt import open_ro

# Input dialects measured, in table order: (label, generator dialect, gzip).
DIALECTS = [
    ("flat NDJSON", "sysmon-flat", False),
    ("Winlogbeat", "winlogbeat", False),
    ("ECS", "ecs", False),
    ("evtx_dump JSON", "evtx-json", False),
    ("XML", "xml", False),
    ("EVTX", "evtx", False),
    ("flat NDJSON gzip", "sysmon-flat", True),
]


def load_row(label, dialect, gz, path, r, events):
    size = os.path.getsize(path)
    return {
        "input": label, "dialect": dialect, "gzip": gz, "events": events,
        "file_bytes": size, "seconds": r["seconds"],
        "events_per_s": r["read"] / r["seconds"],
        "mb_per_s": size / 1e6 / r["seconds"],
        "peak_rss_mb": r["peak_rss_mb"], "cpu_seconds": r["cpu_seconds"],
        "db_bytes": r["db_bytes"], "db_bytes_per_event": r["db_bytes"] / max(r["loaded"], 1),
        "file_bytes_per_event": size / events,
        "index_seconds": r["index_seconds"], "indexes_built": r["indexes_built"],
        "read": r["read"], "loaded": r["loaded"], "duplicates": r["duplicates"],
        "not_relevant": r["not_relevant"], "rejected": r["rejected"],
        "load_before": r["load_before"],
    }


def storage(db, events):
    """Bytes per event of the tables and of the indexes (SQLite's dbstat), largest first."""
    con = open_ro(db)
    rows = con.execute("SELECT s.name, m.type, sum(s.pgsize) FROM dbstat AS s "
                       "LEFT JOIN sqlite_schema AS m ON m.name = s.name "
                       "GROUP BY s.name ORDER BY 3 DESC").fetchall()
    con.close()
    tables = sum(b for _, kind, b in rows if kind == "table")
    indexes = sum(b for _, kind, b in rows if kind != "table")
    return {"tables_bytes_per_event": tables / events, "indexes_bytes_per_event": indexes / events,
            "objects": [{"name": n, "bytes_per_event": b / events} for n, _, b in rows[:8]]}


def run(ctx, events):
    """Loads `events` all-relevant events in every dialect the generator offers.

    Leaves the flat NDJSON database and corpus in ctx.flat_db / ctx.flat_corpus for the detect
    measurement at this scale (the caller discards them)."""
    offered = generator_dialects(ctx.hunt.binary)
    out = {"events": events, "rows": [], "peers": {}, "reload": None}
    for label, dialect, gz in DIALECTS:
        if dialect not in offered:
            ctx.note(f"{label}: skipped (generator has no {dialect} dialect)")
            continue
        ctx.progress(f"load: generating {count_label(events)} {label}")
        path = ctx.corpora.generate(dialect, events, gzip=gz)
        ctx.progress(f"load: hunt load {label}")
        db = ctx.out / f"load-{dialect}{'-gz' if gz else ''}.db"
        r = ctx.hunt.load(db, [path])
        ctx.check_counts(label, r, events)
        row = load_row(label, dialect, gz, path, r, events)
        out["rows"].append(row)
        keep = False
        if dialect == "sysmon-flat" and not gz:
            ctx.progress("load: hunt load flat NDJSON again (every event a duplicate)")
            again = ctx.hunt.load(db, [path], fresh=False)
            out["reload"] = {"seconds": again["seconds"], "duplicates": again["duplicates"],
                             "events_per_s": again["read"] / again["seconds"],
                             "peak_rss_mb": again["peak_rss_mb"]}
            ctx.progress("load: DuckDB read_json on the flat NDJSON")
            out["peers"]["duckdb"] = ctx.peers.duckdb_load(ctx.out / "peer.duckdb", [path])
            ctx.progress("load: naive Python json + sqlite3 on the flat NDJSON")
            out["peers"]["naive"] = ctx.peers.naive_sqlite(ctx.out / "peer-naive.db", [path])
            ctx.progress("load: perf profile of hunt load on the flat NDJSON")
            pdb = ctx.out / "profile.db"
            ctx.remove_db(pdb)
            ctx.profiles["load flat NDJSON"] = profile.profile(
                [ctx.hunt.binary, "load", "--db", pdb, "--quiet", path], ctx.out / "perf-load.data")
            ctx.remove_db(pdb)
            out["storage"] = storage(db, r["loaded"])
            ctx.flat_db, ctx.flat_corpus = db, path
            keep = True
        if dialect == "evtx":
            ctx.progress("load: evtx (PyPI) on the same .evtx file")
            out["peers"]["evtx"] = ctx.peers.evtx(path)
        if not keep:
            ctx.remove_db(db)
            ctx.corpora.discard(path)
    flat = next((x for x in out["rows"] if x["dialect"] == "sysmon-flat" and not x["gzip"]), None)
    gzr = next((x for x in out["rows"] if x["gzip"]), None)
    if flat and gzr:
        gzr["uncompressed_mb_per_s"] = flat["file_bytes"] / 1e6 / gzr["seconds"]
    return out
