"""Alert context (issue 17): what the context costs `hunt detect`, and what storing the context
events costs the load of the real recordings.

detect: each remote-service rule over a store with context events, `hunt detect --rule R` with
the context (the default) and with `--no-context` (the context columns left null),
alternating, the median of `runs` each after one warm-up of each, CPU (user + sys) and wall.
The store is a generated flat corpus loaded by this binary, or a copy of an existing database
(`--context-db`, e.g. /work/corpora/main-2m.db; never written to), or a store that already holds
the context events (`--context-prepared`, measured in place: a 10M copy takes minutes to make). The generated bulk corpus
has no logons or service installs, so `context_events.write` adds them to the copy first (a
network logon for every incoming services.exe connection, a service install for one in four
services.exe children, as many unrelated logons again): the lookups then find and choose
among real candidates.

real load: `hunt load` of ../shared/datasets/security-datasets/*.json.gz with this binary and,
when given (--context-before BINARY, e.g. main's release build), with the binary before, median
of `runs` each into a fresh database.
"""

import json
import shutil
import statistics
from pathlib import Path

from . import context_events
from .corpora import count_label
from .proc import remove_db, run_timed

RULES = ("remote_service_rpc", "rpc_service_process", "rpc_service_network")


def _detect(ctx, db, rule, no_context):
    out = ctx.out / "context-alerts.ndjson"
    args = [ctx.hunt.binary, "detect", "--db", db, "--rule", rule, "--format", "ndjson", "--output", out]
    if no_context:
        args.append("--no-context")
    t = run_timed(args, ok_codes=(0, 2))
    alerts = with_logon = with_service = with_source = 0
    with open(out, "rb") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                alerts += 1
                with_logon += a.get("logon_user") is not None
                with_service += a.get("service_name") is not None
                with_source += a.get("source_host") is not None
    return {"seconds": t.seconds, "cpu_seconds": t.cpu_seconds, "alerts": alerts, "with_logon": with_logon,
            "with_service": with_service, "with_source": with_source, "load_before": t.load_before}


def _store(ctx, events, source_db):
    """A writable store of `events` events with context events added; returns (path, label, counts)."""
    db = ctx.out / "context.db"
    remove_db(db)
    if source_db:
        ctx.progress(f"context: copying {source_db}")
        shutil.copyfile(source_db, db)
        label = Path(source_db).name
    else:
        ctx.progress(f"context: generating {count_label(events)} flat NXLog NDJSON gzip (cached)")
        corpus = ctx.corpora.generate("sysmon-flat", events, gzip=True, cache=True)
        ctx.progress(f"context: hunt load {count_label(events)}")
        loaded = ctx.hunt.load(db, [corpus])
        ctx.check_counts(f"context {count_label(events)}", loaded, events)
        label = count_label(events)
    extra = ctx.out / "context-events.ndjson"
    counts = context_events.write(db, extra)
    ctx.progress(f"context: adding {counts} to the store")
    added = ctx.hunt.load(db, [extra], fresh=False)
    counts["loaded"] = added["loaded"]
    counts["load_seconds"] = added["seconds"]
    extra.unlink(missing_ok=True)
    return db, label, counts


def detect_overhead(ctx, events, runs, source_db=None, rules=RULES, prepared=None):
    if prepared:
        db, label, counts = Path(prepared), Path(prepared).name + " (prepared)", {"prepared": True}
    else:
        db, label, counts = _store(ctx, events, source_db)
    rows = []
    for rule in rules:
        _detect(ctx, db, rule, True)
        _detect(ctx, db, rule, False)
        plain, enriched = [], []
        for i in range(runs):
            ctx.progress(f"context {label} {rule}: run {i + 1}/{runs} (--no-context, then context)")
            plain.append(_detect(ctx, db, rule, True))
            enriched.append(_detect(ctx, db, rule, False))
        med = lambda rs, k: statistics.median(r[k] for r in rs)  # noqa: E731
        p, e = med(plain, "cpu_seconds"), med(enriched, "cpu_seconds")
        rows.append({"rule": rule, "no_context_cpu": p, "context_cpu": e,
                     "no_context_wall": med(plain, "seconds"), "context_wall": med(enriched, "seconds"),
                     "overhead_pct": (e - p) / p * 100 if p else None,
                     "no_context_runs": [(r["cpu_seconds"], r["seconds"]) for r in plain],
                     "context_runs": [(r["cpu_seconds"], r["seconds"]) for r in enriched],
                     "alerts": enriched[0]["alerts"], "with_logon": enriched[0]["with_logon"],
                     "with_service": enriched[0]["with_service"], "with_source": enriched[0]["with_source"],
                     "load_before": enriched[0]["load_before"]})
    if not prepared:
        remove_db(db)
    (ctx.out / "context-alerts.ndjson").unlink(missing_ok=True)
    return {"store": label, "context_events": counts, "rules": rows}


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


def run(ctx, events_list, runs, before_binary=None, source_dbs=(), real_load_runs=None, prepared=(), rules=RULES):
    stores = [detect_overhead(ctx, None, runs, rules=rules, prepared=db) for db in prepared] + \
        [detect_overhead(ctx, None, runs, db, rules=rules) for db in source_dbs]
    if not stores:
        stores = [detect_overhead(ctx, n, runs, rules=rules) for n in events_list]
    out = {"detect": stores}
    out["real_load_after"] = real_load(ctx, ctx.hunt.binary, real_load_runs or runs, "this")
    if before_binary and Path(before_binary).exists():
        out["real_load_before"] = real_load(ctx, before_binary, real_load_runs or runs, "before")
    return out


def render(result):
    lines = []
    for d in result["detect"]:
        lines.append(f"store {d['store']}, context events added: {d['context_events']}")
        lines.append("| rule | alerts | with logon | with service | with source | --no-context CPU s (wall) "
                     "| context CPU s (wall) | CPU overhead |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in d["rules"]:
            lines.append(f"| {r['rule']} | {r['alerts']} | {r['with_logon']} | {r['with_service']} | {r['with_source']} | "
                         f"{r['no_context_cpu']:.2f} ({r['no_context_wall']:.2f}) | {r['context_cpu']:.2f} "
                         f"({r['context_wall']:.2f}) | {r['overhead_pct']:+.1f} % |")
    for key, label in (("real_load_before", "before"), ("real_load_after", "after")):
        r = result.get(key)
        if r:
            lines.append(f"\nreal recordings, {label} ({r['binary']}): median {r['median_seconds']:.2f} s "
                         f"of {r['runs_seconds']}; {r['totals']}")
    return "\n".join(lines)
