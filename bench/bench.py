"""HuntDB benchmark harness. Run it through bench/run (which builds hunt and the peers' venv).

Measures, in one run on this machine: load per dialect, skipping irrelevant events, detection
latency at two scales, a large CSV export, and peers on the same data. Prints a table with ratios
and the targets, writes bench/out/results.json, and with --record appends the table to
BENCHMARKS.md.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import (clickhouse_bench, context_bench, correlation_bench, detect_bench, export_bench,  # noqa: E402
                 load_bench, report, sigma_bench, skip_bench, store_bench)
from lib.corpora import Corpora, count_label, parse_count  # noqa: E402
from lib.hunt import Hunt  # noqa: E402
from lib.peers import Peers  # noqa: E402
from lib.proc import SIGNAL_RETRIES, loadavg, remove_db  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

# (load per dialect, detect small = load scale, detect large / export, mostly-irrelevant corpus)
SCALES = {
    "quick": {"load": "100k", "large": "500k", "irrelevant": "300k", "runs": 5, "repeats": 5,
              "sigma": "100k", "sigma_peer": "5k", "sigma_runs": 2},
    "full": {"load": "1m", "large": "10m", "irrelevant": "2m", "runs": 5, "repeats": 5,
             "sigma": "1m", "sigma_peer": "20k", "sigma_runs": 2},
}


class Context:
    """What every measurement needs: the binaries, the output folder, notes for the report."""

    def __init__(self, args):
        self.repo = REPO
        self.out = Path(args.out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.hunt = Hunt(args.hunt)
        self.corpora = Corpora(args.hunt, REPO, self.out)
        self.notes = []
        self.peers = Peers(args.peer_python, self.notes)
        self.flat_db = self.flat_corpus = None
        self.profiles = {}
        self.started = time.perf_counter()

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)
        print(f"bench: {text}", file=sys.stderr)

    def progress(self, text):
        elapsed = time.perf_counter() - self.started
        load = " ".join(f"{x:.2f}" for x in loadavg())
        print(f"bench [{elapsed:6.0f} s, load {load}] {text}", file=sys.stderr, flush=True)

    def remove_db(self, db):
        remove_db(db)

    def check_counts(self, label, r, events):
        if r["read"] != events or r["rejected"]:
            self.note(f"{label}: hunt read {r['read']} of {events} events, rejected "
                      f"{r['rejected']}, loaded {r['loaded']}")

    def security_datasets(self):
        folder = (REPO / ".." / "shared" / "datasets" / "security-datasets").resolve()
        return sorted(folder.glob("*.json.gz"))


def machine():
    mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout
    total = next((line.split()[1] for line in mem.splitlines() if line.startswith("Mem:")), "?")
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    sqlite = subprocess.run(["python3", "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
                            capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "memory_gib": total, "cpu": cpu,
            "kernel": platform.release(), "sqlite": sqlite}


def git_commit():
    def git(*a):
        return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "Sources", "migrations",
                "queries", "Package.swift")
    return commit + ("+uncommitted changes" if dirty else "")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="CI-sized run (about 5 minutes)")
    p.add_argument("--hunt", help="the hunt binary")
    p.add_argument("--peer-python", help="python of the peers' venv")
    p.add_argument("--report-from", metavar="RESULTS_JSON",
                   help="measure nothing: print (and with --record append) the table of an "
                        "earlier run's results.json")
    p.add_argument("--out", default=str(REPO / "bench" / "out"), help="output folder")
    p.add_argument("--load-events", help="events per dialect for load (e.g. 1m)")
    p.add_argument("--large-events", help="events for large-scale detect and export (e.g. 10m)")
    p.add_argument("--irrelevant-events", help="events of the 90%%-irrelevant corpus")
    p.add_argument("--only", default="load,skip,detect,export",
                   help="comma-separated subset of load,skip,detect,export,sigma,store,context,correlation,"
                        "clickhouse (sigma runs only when named: it needs ../shared/sigma; store: size, load and "
                        "detect of the compact store beside DuckDB, one corpus; context, correlation and "
                        "clickhouse only when named)")
    p.add_argument("--store-events", default="300k", help="events for the store benchmark")
    p.add_argument("--store-corpus", default=None,
                   help="an existing flat Sysmon NDJSON file (.gz allowed) for the store benchmark instead of "
                        "a generated one, e.g. /work/corpora/flat-2m.ndjson.gz (--store-events: its event count)")
    p.add_argument("--store-runs", type=int, default=None,
                   help="timed detect runs in the store benchmark (default: the scale's, 5)")
    p.add_argument("--context-events", default="2m",
                   help="context: comma-separated corpus sizes for detect with/without context (default 2m)")
    p.add_argument("--context-before", help="context: the hunt binary before, for the real-corpus load time")
    p.add_argument("--context-db", default="",
                   help="context: comma-separated existing databases to measure on (each copied first; "
                        "e.g. /work/corpora/main-2m.db) instead of generating --context-events")
    p.add_argument("--context-prepared", default="",
                   help="context: comma-separated databases that already hold the context events "
                        "(made by context_events.py and hunt load, e.g. a copy of main-10m.db): measured "
                        "in place, read-only, without the copy and the load")
    p.add_argument("--context-rules", default="",
                   help="context: comma-separated rules (default: remote_service_rpc, rpc_service_process, "
                        "rpc_service_network)")
    p.add_argument("--context-runs", type=int, help="context: runs per mode and rule (default: the scale's runs)")
    p.add_argument("--correlation-events", default="2m",
                   help="correlation: comma-separated corpus sizes (default 2m; e.g. 2m,10m)")
    p.add_argument("--correlation-db",
                   help="correlation: comma-separated existing stores to copy and run on, one per "
                        "--correlation-events size (e.g. /work/corpora/main-2m.db)")
    p.add_argument("--correlation-threshold", type=int, default=500,
                   help="correlation: the event_count rule's gte (default 500)")
    p.add_argument("--sigma-events", help="events for the sigma benchmark (default 1m)")
    p.add_argument("--clickhouse-events", default="1m",
                   help="events for the clickhouse benchmark (default 1m; the issue's figure is 10m)")
    p.add_argument("--clickhouse-corpus", help="clickhouse: an existing flat NDJSON corpus instead of "
                   "generating one (e.g. /work/corpora/flat-10m.ndjson.gz)")
    p.add_argument("--clickhouse-sqlite-db", help="clickhouse: an existing SQLite database of that corpus "
                   "for the reference rule times (opened read-only; its load is not re-measured); none: no SQLite reference")
    p.add_argument("--clickhouse-one-server", action="store_true",
                   help="clickhouse: measure one server only (no two-shard load)")
    p.add_argument("--clickhouse-two-shards", action="store_true",
                   help="clickhouse: measure two shards only (no one-server load)")
    p.add_argument("--sigma-peer-events",
                   help="events the pySigma/SQLite peer and hunt both run on (default 20k)")
    p.add_argument("--sigma-10m", action="store_true",
                   help="sigma: also hunt alone over 10M events (the peer's time extrapolated)")
    p.add_argument("--sigma-peer-full", action="store_true",
                   help="sigma: run the peer over the --sigma-events corpus too (about 2 h at 1M)")
    p.add_argument("--record", action="store_true",
                   help="append this run's table to BENCHMARKS.md")
    args = p.parse_args()
    if args.report_from:
        results = json.loads(Path(args.report_from).read_text())
        results["targets"] = report.targets(results)
        text = report.render(results)
        print(text)
        if args.record:
            report.append_to_benchmarks(REPO / "BENCHMARKS.md", results, text)
            print("bench: appended to BENCHMARKS.md", file=sys.stderr)
        return
    if not args.hunt or not args.peer_python:
        p.error("--hunt and --peer-python are required (bench/run passes them)")

    mode = "quick" if args.quick else "full"
    scale = dict(SCALES[mode])
    for key, opt in (("load", args.load_events), ("large", args.large_events),
                     ("irrelevant", args.irrelevant_events), ("sigma", args.sigma_events),
                     ("sigma_peer", args.sigma_peer_events)):
        if opt:
            scale[key] = opt
    load_n, large_n, irr_n = (parse_count(scale[k]) for k in ("load", "large", "irrelevant"))
    only = set(args.only.split(","))

    ctx = Context(args)
    argv = sys.argv[1:]
    shown = [a for a in argv if a not in ("--record",)]
    shown = [a for i, a in enumerate(shown)
             if a not in ("--hunt", "--peer-python") and (i == 0 or shown[i - 1] not in (
                 "--hunt", "--peer-python"))]
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode, "command": "bench/run" + ("" if not shown else " " + shlex.join(shown)),
        "machine": machine(), "commit": git_commit(), "scale": scale,
        "load_before": loadavg(),
    }
    ctx.progress(f"{mode} run: load {count_label(load_n)} per dialect, detect "
                 f"{count_label(load_n)} and {count_label(large_n)}, irrelevant "
                 f"{count_label(irr_n)}")

    partial = ctx.out / "results.partial.json"

    def save():
        partial.write_text(json.dumps(results, indent=2, default=str))

    if "load" in only or "detect" in only:
        results["load"] = load_bench.run(ctx, load_n)
        save()
    if "skip" in only:
        results["skip"] = skip_bench.run(ctx, irr_n, scale["repeats"])
        save()
    if "detect" in only:
        results["detect"] = [detect_bench.run_scale(ctx, load_n, ctx.flat_db, ctx.flat_corpus,
                                                     scale["runs"])]
        results["burst"] = detect_bench.run_burst(ctx, scale["runs"])
        save()
    if "sigma" in only:
        results["sigma"] = sigma_bench.run(
            ctx, parse_count(scale["sigma"]), parse_count(scale["sigma_peer"]), scale["sigma_runs"],
            large_events=10_000_000 if args.sigma_10m else None, peer_full=args.sigma_peer_full)
        save()
    if "store" in only:
        results["store"] = store_bench.run(ctx, parse_count(args.store_events), args.store_runs or scale["runs"],
                                           corpus=args.store_corpus)
        save()
    if "context" in only:
        results["context"] = context_bench.run(
            ctx, [parse_count(n) for n in args.context_events.split(",")], args.context_runs or scale["runs"],
            args.context_before, [d for d in args.context_db.split(",") if d], scale["runs"],
            prepared=[d for d in args.context_prepared.split(",") if d],
            rules=tuple(r for r in args.context_rules.split(",") if r) or context_bench.RULES)
        print(context_bench.render(results["context"]), file=sys.stderr)
        save()
    if "clickhouse" in only:
        results["clickhouse"] = clickhouse_bench.run(ctx, parse_count(args.clickhouse_events),
                                                     corpus=args.clickhouse_corpus,
                                                     sqlite_db=args.clickhouse_sqlite_db,
                                                     shards=not args.clickhouse_one_server,
                                                     one_server=not args.clickhouse_two_shards)
        save()
    if "correlation" in only:
        sizes = [parse_count(x) for x in args.correlation_events.split(",")]
        dbs = args.correlation_db.split(",") if args.correlation_db else None
        results["correlation"] = correlation_bench.run(ctx, sizes, 3 if mode == "full" else 2, dbs,
                                                       args.correlation_threshold)
        save()
    if ctx.flat_db:
        remove_db(ctx.flat_db)
        ctx.corpora.discard(ctx.flat_corpus)

    if "detect" in only or "export" in only:
        ctx.progress(f"large: generating {count_label(large_n)} flat NDJSON gzip (cached)")
        large = ctx.corpora.generate("sysmon-flat", large_n, gzip=True, cache=True)
        db = ctx.out / "large.db"
        ctx.progress(f"large: hunt load {count_label(large_n)} from gzip")
        r = ctx.hunt.load(db, [large])
        ctx.check_counts(f"{count_label(large_n)} gzip", r, large_n)
        results["large_load"] = load_bench.load_row(
            f"flat NDJSON gzip, {count_label(large_n)}", "sysmon-flat", True, large, r, large_n)
        if "detect" in only:
            save()
            results.setdefault("detect", []).append(
                detect_bench.run_scale(ctx, large_n, db, large, scale["runs"]))
            save()
        if "export" in only:
            results["export"] = export_bench.run(ctx, db, large_n)
        remove_db(db)

    for text in SIGNAL_RETRIES:
        ctx.note(text)
    results["profiles"] = ctx.profiles
    results["generated"] = ctx.corpora.generated
    results["notes"] = ctx.notes
    results["seconds"] = time.perf_counter() - ctx.started
    results["load_after"] = loadavg()
    results["targets"] = report.targets(results)
    (ctx.out / "results.json").write_text(json.dumps(results, indent=2))
    text = report.render(results)
    print(text)
    print(f"bench: results in {ctx.out / 'results.json'}", file=sys.stderr)
    if args.record:
        report.append_to_benchmarks(REPO / "BENCHMARKS.md", results, text)
        print("bench: appended to BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
