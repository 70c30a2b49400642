"""Sigma correlations: the built-in correlation form of the remote-service detection
(queries/sigma/remote_service_rpc_correlation.yml, temporal_ordered) against the native SQL rule
remote_service_rpc on the same store, and an event_count correlation grouped by host (every
process start, 1 h, gte 500 by default) — `bench/run --only correlation`.

Both remote-service forms must find the same children (the bench checks the counts); the
correlation's time is a ratio of the native rule's (target: within 2x).

`--correlation-db PATH[,PATH]` runs on existing stores instead (e.g. the shared
/work/corpora/main-2m.db and main-10m.db, so 10M needs no load): each is copied to the output
folder first (detect opens the store read-write), brought to this build's schema (a load of no
records: stores written by an older hunt need their migrations), and removed after.
`--correlation-threshold N` sets the event_count rule's `gte` (default 500; the shared 100-host
corpora peak near 650 process starts per host-hour, so 1000 gives no alert there).
"""

import json
import shutil
import statistics
from pathlib import Path

from .corpora import count_label
from .proc import remove_db, run_timed

CORRELATION_ID = "6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20"

EVENT_COUNT_RULE = """title: Many process starts on one host
id: 5e7c0b44-0000-4000-8000-00000000be01
level: informational
correlation:
    type: event_count
    rules:
        - any_process_start
    group-by:
        - Computer
    timespan: 1h
    condition:
        gte: {threshold}
---
title: Any process start
name: any_process_start
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '.exe'
    condition: selection
"""


def detect(ctx, db, args, output):
    t = run_timed([ctx.hunt.binary, "detect", "--db", db, *args, "--format", "ndjson",
                   "--output", output], ok_codes=(0, 2))
    with open(output, "rb") as f:
        alerts = [json.loads(line) for line in f if line.strip()]
    return t, alerts


def measure(ctx, db, args, runs, label):
    out = ctx.out / "correlation-alerts.ndjson"
    ctx.progress(f"correlation: {label} (warm-up + {runs})")
    detect(ctx, db, args, out)
    timed = []
    alerts = []
    for _ in range(runs):
        t, alerts = detect(ctx, db, args, out)
        timed.append(t)
    out.unlink()
    return {"label": label, "median_seconds": statistics.median(t.seconds for t in timed),
            "runs_seconds": [round(t.seconds, 3) for t in timed],
            "median_cpu_seconds": statistics.median(t.cpu_seconds for t in timed),
            "peak_rss_mb": max(t.peak_rss_mb for t in timed), "alerts": len(alerts),
            "load_before": timed[0].load_before}, alerts


def run_scale(ctx, events, runs, threshold=500, db_path=None):
    corpus = None
    if db_path:
        db = ctx.out / f"correlation-{Path(db_path).name}"
        ctx.progress(f"correlation: copying {db_path}")
        shutil.copyfile(db_path, db)
        empty = ctx.out / "correlation-empty.ndjson"
        empty.write_text("")
        run_timed([ctx.hunt.binary, "load", "--db", db, "--quiet", empty])
        empty.unlink()
    else:
        ctx.progress(f"correlation: generating {count_label(events)} flat NDJSON gzip (cached)")
        corpus = ctx.corpora.generate("sysmon-flat", events, gzip=True, cache=True)
        db = ctx.out / f"correlation-{count_label(events)}.db"
        ctx.progress(f"correlation: hunt load {count_label(events)}")
        ctx.hunt.load(db, [corpus])
    rule_file = ctx.out / "mr_event_count_by_host.yml"
    rule_file.write_text(EVENT_COUNT_RULE.replace("{threshold}", str(threshold)))
    native, native_alerts = measure(ctx, db, ["--rule", "remote_service_rpc"], runs,
                                    f"native remote_service_rpc, {count_label(events)}")
    corr, corr_alerts = measure(ctx, db, ["--sigma", "builtin", "--rule", CORRELATION_ID], runs,
                                f"correlation (temporal_ordered), {count_label(events)}")
    count, count_alerts = measure(ctx, db, ["--sigma", str(rule_file)], runs,
                                  f"event_count by host, 1h, gte {threshold}, {count_label(events)}")
    native_children = sorted(a.get("process_source") for a in native_alerts)
    corr_children = sorted(a["events"][-1]["source"] for a in corr_alerts)
    if native_children != corr_children:
        ctx.note(f"correlation {count_label(events)}: the correlation's children differ from "
                 f"remote_service_rpc's ({len(corr_children)} vs {len(native_children)})")
    count["events_listed"] = sum(len(a["events"]) for a in count_alerts)
    count["events_total"] = sum(a["events_total"] for a in count_alerts)
    remove_db(db)
    if corpus:
        ctx.corpora.discard(corpus)
    return {"events": events, "native": native, "correlation": corr, "event_count": count,
            "same_children": native_children == corr_children,
            "ratio": corr["median_seconds"] / native["median_seconds"] if native["median_seconds"] else None,
            "cpu_ratio": (corr["median_cpu_seconds"] / native["median_cpu_seconds"]
                          if native["median_cpu_seconds"] else None)}


def render(results):
    lines = ["| events | rule | median wall s | median CPU s | runs wall s | alerts | peak RSS MB |",
             "|---|---|---|---|---|---|---|"]
    for scale in results:
        for key in ("native", "correlation", "event_count"):
            r = scale[key]
            extra = (f" ({r['events_listed']} events listed of {r['events_total']})"
                     if key == "event_count" else "")
            lines.append(f"| {count_label(scale['events'])} | {r['label']} | {r['median_seconds']:.2f} | "
                         f"{r['median_cpu_seconds']:.2f} | {', '.join(str(x) for x in r['runs_seconds'])} | "
                         f"{r['alerts']}{extra} | {r['peak_rss_mb']:.0f} |")
        lines.append(f"| {count_label(scale['events'])} | correlation / native | {scale['ratio']:.2f}x | "
                     f"{scale['cpu_ratio']:.2f}x | | same children: {'yes' if scale['same_children'] else 'NO'} | |")
    return "\n".join(lines)


def run(ctx, scales, runs, dbs=None, threshold=500):
    """`dbs`: existing stores (one per entry of `scales`, which then only labels them)."""
    if dbs:
        results = [run_scale(ctx, events, runs, threshold, db) for events, db in zip(scales, dbs)]
    else:
        results = [run_scale(ctx, events, runs, threshold) for events in scales]
    text = render(results)
    print(text)
    return {"scales": results, "table": text}
