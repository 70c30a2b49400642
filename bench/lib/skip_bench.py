"""Mostly irrelevant input: how fast irrelevant events are recognized and skipped, against DuckDB,
the naive loader and (by reference only) Zircolite. Real Security-Datasets files, and a larger
generated corpus where 90% of the events are neither process starts nor network connections."""

import statistics

from .corpora import count_label


def _median_runs(n, fn):
    runs = [fn() for _ in range(n)]
    runs = [r for r in runs if r is not None]
    if not runs:
        return None
    key = "seconds"
    best = sorted(runs, key=lambda r: r[key])[len(runs) // 2]
    best = dict(best)
    best["runs_seconds"] = [r[key] for r in runs]
    best["seconds"] = statistics.median(best["runs_seconds"])
    return best


def _measure(ctx, name, files, events_hint, repeats):
    db = ctx.out / "skip.db"
    ctx.progress(f"skip: hunt load {name}")
    hunt = _median_runs(repeats, lambda: ctx.hunt.load(db, files))
    ctx.remove_db(db)
    ctx.progress(f"skip: DuckDB read_json {name}")
    duck = _median_runs(max(1, repeats // 2), lambda: ctx.peers.duckdb_load(
        ctx.out / "peer.duckdb", files))
    ctx.progress(f"skip: naive Python {name}")
    naive = _median_runs(max(1, repeats // 2), lambda: ctx.peers.naive_sqlite(
        ctx.out / "peer-naive.db", files))
    events = hunt["read"] if hunt else events_hint
    row = {
        "corpus": name, "events": events,
        "relevant": hunt["loaded"] if hunt else None,
        "bytes": sum(f.stat().st_size for f in files),
        "hunt": {"seconds": hunt["seconds"], "runs_seconds": hunt["runs_seconds"],
                 "events_per_s": events / hunt["seconds"], "peak_rss_mb": hunt["peak_rss_mb"]},
        "duckdb": duck and {"seconds": duck["seconds"], "runs_seconds": duck["runs_seconds"],
                            "peak_rss_mb": duck["peak_rss_mb"], "rows": duck["rows"]},
        "naive": naive and {"seconds": naive["seconds"], "runs_seconds": naive["runs_seconds"],
                            "peak_rss_mb": naive["peak_rss_mb"], "loaded": naive["loaded"]},
    }
    if duck:
        row["duckdb_over_hunt"] = duck["seconds"] / hunt["seconds"]
    if naive:
        row["naive_over_hunt"] = naive["seconds"] / hunt["seconds"]
    return row


def run(ctx, irrelevant_events, repeats):
    rows = []
    files = ctx.security_datasets()
    if files:
        rows.append(_measure(ctx, "Security-Datasets (2 real files, .json.gz)", files, 0,
                             repeats))
    else:
        ctx.note("Security-Datasets: skipped (../shared/datasets/security-datasets/*.json.gz "
                 "not found beside the repository)")
    ctx.progress(f"skip: generating {count_label(irrelevant_events)} events, 90% irrelevant")
    path = ctx.corpora.generate("sysmon-flat", irrelevant_events, irrelevant_ratio=0.9)
    rows.append(_measure(ctx, f"generated, 90% irrelevant ({count_label(irrelevant_events)})",
                         [path], irrelevant_events, max(1, repeats // 2)))
    ctx.corpora.discard(path)
    ctx.peers.zircolite()
    return rows
