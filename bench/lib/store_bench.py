"""Store (issue 14): bytes per event (tables and indexes), load rate and CPU, and the whole
`hunt detect --rule remote_service_rpc` command beside DuckDB's warm in-process range join, on
one all-relevant flat NDJSON corpus, in one run. Printed as JSON lines and returned for results.json.

    bench/run --only store [--store-events 300k]
    bench/run --only store --store-corpus /work/corpora/flat-2m.ndjson.gz --store-events 2m
"""

import statistics
from pathlib import Path

from .corpora import count_label
from .hunt import open_ro
from .load_bench import storage
from .proc import remove_db
from . import store_floor

RPC = "remote_service_rpc"


def _dictionaries(db):
    con = open_ro(db)
    out = {}
    for table in ("names", "entities", "strings", "texts"):
        try:
            out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except Exception:  # a database from before the compact store has no dictionaries
            out[table] = None
    con.close()
    return out


def run(ctx, events, runs=5, corpus=None):
    if corpus is None:
        ctx.progress(f"store: generating {count_label(events)} flat NDJSON")
        corpus = ctx.corpora.generate("sysmon-flat", events, cache=True)
    else:
        corpus = Path(corpus).resolve()
    db = ctx.out / "store.db"
    ctx.progress(f"store: hunt load {count_label(events)}")
    r = ctx.hunt.load(db, [corpus])
    ctx.check_counts(f"store {count_label(events)}", r, events)
    out = {
        "events": events, "corpus": str(corpus),
        "db_bytes": r["db_bytes"], "db_bytes_per_event": r["db_bytes"] / max(r["loaded"], 1),
        "load_seconds": r["seconds"], "load_cpu_seconds": r["cpu_seconds"],
        "load_events_per_s": r["read"] / r["seconds"],
        "load_events_per_cpu_s": r["read"] / max(r["cpu_seconds"], 1e-9),
        "peak_rss_mb": r["peak_rss_mb"], "index_seconds": r["index_seconds"],
        "storage": storage(db, max(r["loaded"], 1)), "dictionaries": _dictionaries(db),
    }
    ctx.progress(f"store: {RPC} x{runs}")
    ctx.hunt.detect(db, RPC)  # warm
    detects = [ctx.hunt.detect(db, RPC) for _ in range(runs)]
    out["detect"] = {"median_seconds": statistics.median(d["seconds"] for d in detects),
                     "runs_seconds": [d["seconds"] for d in detects],
                     "alerts": detects[0]["alerts"], "suppressed": detects[0]["suppressed"]}
    duck_load = ctx.peers.duckdb_load(ctx.out / "store-peer.duckdb", [corpus])
    if duck_load:
        out["duckdb_load_seconds"] = duck_load.get("seconds")
    # The machine's speed drifts by tens of percent within minutes: DuckDB's script also runs
    # the whole hunt command before each of its queries, so each pair is measured in turn.
    whole = [ctx.hunt.binary, "detect", "--db", db, "--rule", RPC, "--format", "csv", "--output", "/dev/null"]
    duck = ctx.peers.duckdb_rpc(ctx.out / "store-rpc.duckdb", corpus, runs, between=whole)
    if duck:
        out["duckdb_rpc_median_seconds"] = statistics.median(duck["query_seconds"])
        out["duckdb_rpc_rows"] = duck["rows"]
        pairs = list(zip(duck["command_seconds"], duck["query_seconds"]))
        out["paired_rpc"] = {"hunt_seconds": [h for h, _ in pairs], "duckdb_seconds": [d for _, d in pairs],
                             "median_ratio_duckdb_over_hunt": statistics.median(d / h for h, d in pairs)}
    ctx.progress("store: SQLite's own floor for the same rows and indexes")
    out["sqlite_floor"] = store_floor.run(db, ctx.out / "store-floor.db", r["loaded"])
    remove_db(db)
    for key in ("db_bytes_per_event", "load_events_per_s", "load_events_per_cpu_s"):
        print(f"store {count_label(events)}: {key} = {out[key]:.1f}")
    print(f"store {count_label(events)}: detect {RPC} median {out['detect']['median_seconds']:.3f} s, "
          f"DuckDB range join {out.get('duckdb_rpc_median_seconds')}")
    if "paired_rpc" in out:
        p = out["paired_rpc"]
        print(f"store {count_label(events)}: in turn, hunt {statistics.median(p['hunt_seconds']):.3f} s against DuckDB "
              f"{statistics.median(p['duckdb_seconds']):.3f} s (medians); DuckDB/hunt per pair, median "
              f"{p['median_ratio_duckdb_over_hunt']:.2f}")
    return out
