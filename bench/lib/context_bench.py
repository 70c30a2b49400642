"""Alert context (issue 17): what the context costs `hunt detect`, and what storing the context
events costs the load of the real recordings.

detect: every built-in rule over a generated flat corpus, `hunt detect` with the context (the
default) and with `--no-context` (the context columns left null), alternating, the median of
`runs` each after one warm-up of each. The generated corpus has no context events (the bulk
stays process + network), so the logon and service lookups find nothing; the source-side
lookup runs against the corpus' connections: the query cost is all there.

real load: `hunt load` of ../shared/datasets/security-datasets/*.json.gz with this binary and,
when given (--context-before BINARY, e.g. main's release build), with the binary before, median
of `runs` each into a fresh database.
"""

import json
import statistics
from pathlib import Path

from .corpora import count_label
from .proc import remove_db, run_timed


def _detect(ctx, db, no_context):
    args = [ctx.hunt.binary, "detect", "--db", db, "--format", "ndjson", "--output", ctx.out / "context-alerts.ndjson"]
    if no_context:
        args.append("--no-context")
    t = run_timed(args, ok_codes=(0, 2))
    alerts = with_logon = with_source = 0
    with open(ctx.out / "context-alerts.ndjson", "rb") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                alerts += 1
                with_logon += a.get("logon_user") is not None
                with_source += a.get("source_host") is not None
    return {"seconds": t.seconds, "cpu_seconds": t.cpu_seconds, "alerts": alerts,
            "with_logon": with_logon, "with_source": with_source, "load_before": t.load_before}


def detect_overhead(ctx, events, runs):
    ctx.progress(f"context: generating {count_label(events)} flat NDJSON gzip (cached)")
    corpus = ctx.corpora.generate("sysmon-flat", events, gzip=True, cache=True)
    db = ctx.out / "context.db"
    ctx.progress(f"context: hunt load {count_label(events)}")
    loaded = ctx.hunt.load(db, [corpus])
    ctx.check_counts(f"context {count_label(events)}", loaded, events)
    _detect(ctx, db, True)
    _detect(ctx, db, False)
    plain, enriched = [], []
    for i in range(runs):
        ctx.progress(f"context {count_label(events)}: detect run {i + 1}/{runs} (--no-context, then context)")
        plain.append(_detect(ctx, db, True))
        enriched.append(_detect(ctx, db, False))
    remove_db(db)
    (ctx.out / "context-alerts.ndjson").unlink(missing_ok=True)
    p = statistics.median(r["seconds"] for r in plain)
    e = statistics.median(r["seconds"] for r in enriched)
    return {"events": events, "load_seconds": loaded["seconds"],
            "no_context_seconds": p, "context_seconds": e, "overhead_pct": (e - p) / p * 100 if p else None,
            "no_context_runs": [r["seconds"] for r in plain], "context_runs": [r["seconds"] for r in enriched],
            "alerts": enriched[0]["alerts"], "alerts_with_logon": enriched[0]["with_logon"],
            "alerts_with_source": enriched[0]["with_source"]}


def real_load(ctx, binary, runs, label):
    files = ctx.security_datasets()
    if not files:
        return None
    db = ctx.out / "context-real.db"
    times, last = [], None
    for i in range(runs):
        ctx.progress(f"context: real recordings, {label} binary, load {i + 1}/{runs}")
        remove_db(db)
        t = run_timed([binary, "load", "--db", db, "--quiet", *files], ok_codes=(0, 3))
        times.append(t.seconds)
        last = t.stderr.strip().splitlines()[-1] if t.stderr.strip() else ""
    remove_db(db)
    return {"binary": str(binary), "median_seconds": statistics.median(times), "runs_seconds": times,
            "files": len(files), "totals": last}


def run(ctx, events_list, runs, before_binary=None):
    out = {"detect": [detect_overhead(ctx, n, runs) for n in events_list]}
    out["real_load_after"] = real_load(ctx, ctx.hunt.binary, runs, "this")
    if before_binary and Path(before_binary).exists():
        out["real_load_before"] = real_load(ctx, before_binary, runs, "before")
    return out


def render(result):
    lines = ["| events | detect --no-context | detect with context | overhead | alerts | with logon | with source |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for d in result["detect"]:
        lines.append(f"| {count_label(d['events'])} | {d['no_context_seconds']:.2f} s | {d['context_seconds']:.2f} s | "
                     f"{d['overhead_pct']:+.1f} % | {d['alerts']} | {d['alerts_with_logon']} | {d['alerts_with_source']} |")
    for key, label in (("real_load_before", "before"), ("real_load_after", "after")):
        r = result.get(key)
        if r:
            lines.append(f"\nreal recordings, {label} ({r['binary']}): median {r['median_seconds']:.2f} s "
                         f"of {r['runs_seconds']}; {r['totals']}")
    return "\n".join(lines)
