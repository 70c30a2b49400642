"""Export: rows/s and peak RSS of `hunt sql --format csv` writing every event to CSV files
(process_events and network_events, the analyst views with ISO times and host names)."""

import os

from . import profile
from .hunt import scalar


def run(ctx, db, events):
    out = {"events": events, "parts": []}
    for view in ("process_events", "network_events"):
        rows = scalar(db, f"SELECT count(*) FROM {view}")
        path = ctx.out / f"export-{view}.csv"
        ctx.progress(f"export: {rows} rows of {view} to CSV")
        t = ctx.hunt.sql_csv(db, f"SELECT * FROM {view}", path)
        out["parts"].append({"view": view, "rows": rows, "seconds": t.seconds,
                             "peak_rss_mb": t.peak_rss_mb, "bytes": os.path.getsize(path),
                             "load_before": t.load_before})
        os.remove(path)
    ctx.progress("export: perf profile of 200k rows of process_events")
    ctx.profiles["export process_events (200k rows)"] = profile.profile(
        [ctx.hunt.binary, "sql", "--db", db, "--format", "csv", "--output", "/dev/null",
         "SELECT * FROM process_events LIMIT 200000"], ctx.out / "perf-export.data")
    out["rows"] = sum(p["rows"] for p in out["parts"])
    out["seconds"] = sum(p["seconds"] for p in out["parts"])
    out["rows_per_s"] = out["rows"] / out["seconds"]
    out["peak_rss_mb"] = max(p["peak_rss_mb"] for p in out["parts"])
    out["bytes"] = sum(p["bytes"] for p in out["parts"])
    return out
