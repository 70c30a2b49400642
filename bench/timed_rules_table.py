"""Markdown table of bench/ch_vs_sqlite_rules.sh's runs (bench/timed.py JSON lines), one row per
store, rule and mode, the rounds side by side: wall / hunt CPU / server CPU per run, hunt and
server peak RSS (largest of the runs), alerts and the md5 of the sorted NDJSON (every run's, one
value when they agree).

    python3 bench/timed_rules_table.py /work/briefs/bench11.jsonl p1 [p1-10m ...]
"""
import json, re, sys
from collections import OrderedDict


def main():
    path, tags = sys.argv[1], sys.argv[2:]
    rows = OrderedDict()
    for line in open(path):
        r = json.loads(line)
        m = re.fullmatch(r"(\S+) (clickhouse|sqlite) (.+)-r(\d+)", r["label"])
        if not m or m.group(1) not in tags:
            continue
        tag, store, what, _ = m.groups()
        rows.setdefault((tag, what, store), []).append(r)
    print("| tag | rule (mode) | store | wall s (runs) | hunt CPU s (runs) | server CPU s (runs) | hunt peak RSS MB | server peak RSS MB | alerts | sorted md5 |")
    print("|---|---|---|---|---|---|---:|---:|---:|---|")
    for (tag, what, store), runs in rows.items():
        join = lambda key: ", ".join(f"{r[key]:.2f}" for r in runs if r.get(key) is not None) or "—"
        server_rss = [r["server_peak_rss_mb"] for r in runs if "server_peak_rss_mb" in r]
        md5s = sorted({r.get("sorted_md5", "none")[:8] for r in runs})
        alerts = sorted({r.get("lines") for r in runs}, key=str)
        print(f"| {tag} | {what} | {store} | {join('wall_s')} | {join('hunt_cpu_s')} | {join('server_cpu_s')} | "
              f"{max(r['hunt_peak_rss_mb'] for r in runs):.0f} | {f'{max(server_rss):.0f}' if server_rss else '—'} | "
              f"{', '.join(f'{a:,}' if a is not None else 'none' for a in alerts)} | {', '.join(md5s)} |")


if __name__ == "__main__":
    main()
