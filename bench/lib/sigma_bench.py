"""Sigma: every SigmaHQ windows process_creation + network_connection rule over stored events,
`hunt detect --sigma` against the Zircolite approach (pySigma's SQLite backend with the Sysmon
pipeline, one flat table, bench/peers/pysigma_sqlite.py) on the same events.

The peer scans its whole table once per rule (about 6 µs per rule and event here), so it runs
on a smaller corpus (--sigma-peer-events) that hunt also runs on: that ratio is measured on the
same events. At the main scale (--sigma-events, 1M) hunt runs alone; the peer's time there is
its measured per-event cost times the events (a full scan per rule is linear in rows), shown as
an extrapolation, unless --sigma-peer-full runs it for real.
"""

import json
import statistics
from collections import Counter
from pathlib import Path

from .corpora import count_label
from .hunt import RULE_RE
from .proc import CommandFailed, remove_db, run_timed

PEER = Path(__file__).resolve().parent.parent / "peers" / "pysigma_sqlite.py"
CATEGORIES = ("process_creation", "network_connection")


def rule_folders(repo):
    root = (repo / ".." / "shared" / "sigma" / "rules" / "windows").resolve()
    return [root / c for c in CATEGORIES]


def hunt_detect(ctx, db, folders, output):
    """One `hunt detect --sigma … --format ndjson`; wall time, RSS, alerts per rule id."""
    args = [ctx.hunt.binary, "detect", "--db", db]
    for folder in folders:
        args += ["--sigma", folder]
    args += ["--format", "ndjson", "--output", output]
    t = run_timed(args, ok_codes=(0, 2))
    counts = Counter()
    with open(output, "rb") as f:
        for line in f:
            if line.strip():
                counts[json.loads(line).get("rule_id")] += 1
    rule_seconds = sorted(((m.group(1), float(m.group(4))) for m in RULE_RE.finditer(t.stderr)),
                          key=lambda x: -x[1])
    return {"seconds": t.seconds, "cpu_seconds": t.cpu_seconds, "peak_rss_mb": t.peak_rss_mb,
            "alerts": sum(counts.values()), "counts": dict(counts),
            "rules_reported": len(rule_seconds),
            "rules_seconds_total": sum(x[1] for x in rule_seconds),
            "slowest_rules": [{"rule_id": r, "seconds": x} for r, x in rule_seconds[:8]],
            "stderr_tail": t.stderr.strip().splitlines()[-6:], "load_before": t.load_before}


def measure_hunt(ctx, db, folders, runs, label):
    """A warm-up, then `runs` measured detects; the median and every run. With runs == 1 there
    is no warm-up (the load just read every page; the main scale is too slow to run twice)."""
    out = ctx.out / "sigma-alerts.ndjson"
    ctx.progress(f"sigma {label}: hunt detect --sigma ({'warm-up + ' if runs > 1 else ''}{runs})")
    if runs > 1:
        hunt_detect(ctx, db, folders, out)
    measured = [hunt_detect(ctx, db, folders, out) for _ in range(runs)]
    out.unlink()
    first = measured[0]
    return {"median_seconds": statistics.median(r["seconds"] for r in measured),
            "runs_seconds": [round(r["seconds"], 3) for r in measured],
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in measured),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in measured),
            "alerts": first["alerts"], "counts": first["counts"],
            "rules_with_alerts": len(first["counts"]), "stderr_tail": first["stderr_tail"],
            "rules_seconds_total": first["rules_seconds_total"], "slowest_rules": first["slowest_rules"]}


def peer_step(ctx, args, label):
    try:
        t = run_timed([ctx.peers.python, PEER, *args])
    except CommandFailed as e:
        ctx.note(f"pySigma/SQLite peer, {label}: failed: {e}")
        return None
    result = json.loads(t.stdout.strip().splitlines()[-1])
    result.update(wall_seconds=t.seconds, peak_rss_mb=t.peak_rss_mb, cpu_seconds=t.cpu_seconds)
    return result


def run_peer(ctx, corpus, queries, label):
    flat = ctx.out / "sigma-peer-flat.db"
    remove_db(flat)
    ctx.progress(f"sigma {label}: peer builds its flat table")
    built = peer_step(ctx, ["build", flat, corpus], "build")
    if not built:
        return None
    ctx.progress(f"sigma {label}: peer runs every converted query")
    ran = peer_step(ctx, ["run", flat, queries], "run")
    remove_db(flat)
    if not ran:
        return None
    return {"build_seconds": built["wall_seconds"], "rows": built["rows"],
            "seconds": ran["wall_seconds"], "query_seconds": ran["seconds"],
            "peak_rss_mb": ran["peak_rss_mb"], "matches": ran["matches"],
            "query_errors": ran["query_errors"], "errors": ran["errors"], "counts": ran["counts"]}


def agreement(hunt_counts, peer_counts):
    """Rules whose alert count differs between hunt and the peer (the peer's backend is not the
    oracle: a difference is a lead to check, not a verdict)."""
    ids = set(hunt_counts) | set(peer_counts)
    differ = sorted(((i, hunt_counts.get(i, 0), peer_counts.get(i, 0)) for i in ids
                     if hunt_counts.get(i, 0) != peer_counts.get(i, 0)),
                    key=lambda x: -abs(x[1] - x[2]))
    return {"rules_compared": len(ids), "rules_differing": len(differ),
            "largest_differences": [{"rule_id": i, "hunt": h, "peer": p} for i, h, p in differ[:15]]}


def scale_block(ctx, events, runs, label, peer_queries=None, gzip=True):
    """Generates (cached) and loads `events` flat Sysmon events; hunt detect; the peer if asked."""
    ctx.progress(f"sigma {label}: generating {count_label(events)} flat NDJSON (cached)")
    corpus = ctx.corpora.generate("sysmon-flat", events, gzip=gzip, cache=True)
    db = ctx.out / "sigma.db"
    ctx.progress(f"sigma {label}: hunt load")
    load = ctx.hunt.load(db, [corpus])
    ctx.check_counts(f"sigma {label}", load, events)
    block = {"events": events, "corpus": corpus.name, "load_seconds": load["seconds"],
             "load_peak_rss_mb": load["peak_rss_mb"], "db_bytes": load["db_bytes"]}
    try:
        block["hunt"] = measure_hunt(ctx, db, rule_folders(ctx.repo), runs, label)
    except CommandFailed as e:
        ctx.note(f"sigma {label}: hunt detect --sigma failed: {e}")
        block["hunt"] = None
    remove_db(db)
    if peer_queries:
        block["peer"] = run_peer(ctx, corpus, peer_queries, label)
        if block["peer"] and block["hunt"]:
            block["agreement"] = agreement(block["hunt"]["counts"], block["peer"]["counts"])
    return block


def real_files(ctx):
    """Every real recording beside the repository: Security-Datasets JSON and EVTX samples."""
    evtx = (ctx.repo / ".." / "shared" / "datasets" / "evtx-attack-samples").resolve()
    return list(ctx.security_datasets()) + sorted(evtx.glob("*.evtx"))


def real_block(ctx, runs):
    """The issue's real-corpus case: `hunt load` of the real recordings into a new database and
    then every rule over them, end to end (the target is load + rules <= 1.5 s). The median of
    `runs` rounds, each with a fresh database."""
    files = real_files(ctx)
    if not files:
        ctx.note("sigma real corpus: skipped (no recordings under ../shared/datasets)")
        return None
    db = ctx.out / "sigma-real.db"
    out = ctx.out / "sigma-real-alerts.ndjson"
    ctx.progress(f"sigma real corpus: load + all rules ({runs} rounds)")
    rounds = []
    for _ in range(runs):
        load = ctx.hunt.load(db, files)
        detect = hunt_detect(ctx, db, rule_folders(ctx.repo), out)
        rounds.append({"load": load, "detect": detect,
                       "seconds": load["seconds"] + detect["seconds"],
                       "cpu_seconds": load["cpu_seconds"] + detect["cpu_seconds"]})
    remove_db(db)
    out.unlink()
    middle = sorted(rounds, key=lambda r: r["seconds"])[len(rounds) // 2]
    return {"files": len(files), "read": middle["load"]["read"], "loaded": middle["load"]["loaded"],
            "load_seconds": middle["load"]["seconds"], "detect_seconds": middle["detect"]["seconds"],
            "seconds": middle["seconds"], "cpu_seconds": middle["cpu_seconds"],
            "alerts": middle["detect"]["alerts"], "rules_with_alerts": len(middle["detect"]["counts"]),
            "peak_rss_mb": max(middle["load"]["peak_rss_mb"], middle["detect"]["peak_rss_mb"]),
            "all_seconds": [r["seconds"] for r in rounds]}


def run(ctx, events, peer_events, runs, large_events=None, peer_full=False):
    folders = rule_folders(ctx.repo)
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        ctx.note(f"sigma: not run, the rule folders are missing: {', '.join(missing)}")
        return None
    out = {"rules": {c: len(list(f.rglob("*.yml"))) for c, f in zip(CATEGORIES, folders)}}
    queries = ctx.out / "sigma-peer-queries.json"
    ctx.progress("sigma: pySigma converts every rule (sqlite backend, sysmon pipeline)")
    converted = peer_step(ctx, ["convert", queries, *folders], "convert")
    if converted:
        out["peer_convert"] = converted
    peer_queries = queries if converted else None
    out["real"] = real_block(ctx, max(3, runs))
    out["same_events"] = scale_block(ctx, peer_events, runs, f"{count_label(peer_events)} (with peer)",
                                     peer_queries, gzip=False)
    out["main"] = scale_block(ctx, events, 1, count_label(events),
                              peer_queries if peer_full else None)
    if large_events:
        out["large"] = scale_block(ctx, large_events, 1, count_label(large_events))
    peer = out["same_events"].get("peer")
    if peer:
        per_event = peer["seconds"] / peer_events
        out["peer_per_event_seconds"] = per_event
        for key in ("main", "large"):
            if key in out and "peer" not in out[key]:
                out[key]["peer_extrapolated_seconds"] = per_event * out[key]["events"]
    return out
