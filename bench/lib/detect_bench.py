"""Detect: each rule's latency (median of several `hunt detect` runs), the rule SQL alone, DuckDB's
range join on the same events, and the query plan of remote_service_rpc."""

import statistics
import time

from . import profile
from .burst import write_burst
from .corpora import count_label
from .hunt import open_ro, query_plan, rule_params, scalar
from .proc import remove_db

RPC = "remote_service_rpc"


def _sql_median(db, sql, runs):
    """The rule SQL alone on the same system SQLite (warm cache), median seconds and row count."""
    con = open_ro(db)
    params = rule_params(sql)
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(con.execute(sql, params).fetchall())
        times.append(time.perf_counter() - t)
    con.close()
    return statistics.median(times), rows


def run_scale(ctx, events, db, ndjson, runs):
    """Measures every rule on `db` (holding `events` events generated into `ndjson`)."""
    rpc_sql = ctx.hunt.rule_sql(RPC)
    out = {
        "events": events,
        "candidates": scalar(db, "SELECT count(*) FROM processes "
                                 "WHERE parent_name = 'services.exe'"),
        "services_connections": scalar(db, "SELECT count(*) FROM network_connections "
                                            "WHERE name = 'services.exe'"),
        "rules": [],
    }
    for rule in ctx.hunt.rules():
        ctx.progress(f"detect {count_label(events)}: {rule} x{runs}")
        ctx.hunt.detect(db, rule)   # warm the page cache once, not counted
        runs_ = [ctx.hunt.detect(db, rule) for _ in range(runs)]
        row = {
            "rule": rule,
            "median_seconds": statistics.median(r["seconds"] for r in runs_),
            "runs_seconds": [r["seconds"] for r in runs_],
            "rule_sql_seconds_reported": statistics.median(
                r["sql_seconds"] for r in runs_ if r["sql_seconds"] is not None)
            if any(r["sql_seconds"] is not None for r in runs_) else None,
            "alerts": runs_[0]["alerts"], "suppressed": runs_[0]["suppressed"],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs_),
        }
        if rule == RPC:
            row["sql_median_seconds"], row["sql_rows"] = _sql_median(db, rpc_sql, runs)
        out["rules"].append(row)
    out["plan"] = query_plan(db, rpc_sql)
    ctx.progress(f"detect {count_label(events)}: perf profile of {RPC}")
    ctx.profiles[f"detect {RPC} {count_label(events)}"] = profile.profile(
        [ctx.hunt.binary, "detect", "--db", db, "--rule", RPC, "--format", "csv", "--output",
         "/dev/null"], ctx.out / "perf-detect.data")
    ctx.progress(f"detect {count_label(events)}: DuckDB range join")
    duck = ctx.peers.duckdb_rpc(ctx.out / "peer-rpc.duckdb", ndjson, runs)
    if duck:
        out["duckdb"] = {"load_seconds": duck["load_seconds"],
                         "median_seconds": statistics.median(duck["query_seconds"]),
                         "runs_seconds": duck["query_seconds"], "rows": duck["rows"],
                         "candidates": duck["candidates"], "peak_rss_mb": duck["peak_rss_mb"]}
        rpc = next(r for r in out["rules"] if r["rule"] == RPC)
        if duck["rows"] != rpc.get("sql_rows"):
            ctx.note(f"detect {count_label(events)}: DuckDB's range join returned {duck['rows']} "
                     f"rows, hunt's rule SQL {rpc.get('sql_rows')}: semantics differ")
    return out


def run_burst(ctx, runs, connections=20_000, children=2_000):
    """The quadratic case: one services.exe, CONNECTIONS qualifying connections and CHILDREN
    children inside one second. A rule that enumerates (child, connection) pairs does
    children x connections work; hunt's sweep must stay linear (target: well under a second)."""
    path = ctx.out / "burst.ndjson"
    write_burst(path, connections, children)
    db = ctx.out / "burst.db"
    remove_db(db)
    ctx.progress(f"burst: hunt load {connections + children} events")
    ctx.hunt.load(db, [path])
    ctx.progress(f"burst: hunt detect --rule {RPC} x{runs}")
    runs_ = [ctx.hunt.detect(db, RPC) for _ in range(runs)]
    out = {"connections": connections, "children": children,
           "median_seconds": statistics.median(r["seconds"] for r in runs_),
           "alerts": runs_[0]["alerts"], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs_)}
    ctx.progress("burst: DuckDB range join (enumerates the pairs)")
    duck = ctx.peers.duckdb_rpc(ctx.out / "peer-burst.duckdb", path, 1)
    if duck:
        out["duckdb"] = {"median_seconds": statistics.median(duck["query_seconds"]), "rows": duck["rows"]}
    remove_db(db)
    path.unlink()
    return out
