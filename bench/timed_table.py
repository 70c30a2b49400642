"""Markdown table of bench/timed.py's JSON lines: one row per run whose label starts with one of
the given prefixes (all runs without a prefix).

    python3 bench/timed_table.py /work/briefs/bench11.jsonl "p1 " "load "
"""
import json, sys


def cell(value, form="{:.2f}"):
    return "" if value is None else form.format(value)


def main():
    path, prefixes = sys.argv[1], sys.argv[2:]
    print("| run (label) | start UTC | wall s | hunt CPU s | server CPU s | hunt peak RSS MB | server peak RSS MB | alerts | sorted md5 | exit |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for line in open(path):
        r = json.loads(line)
        if prefixes and not any(r["label"].startswith(p) for p in prefixes):
            continue
        print(f"| {r['label']} | {r['start_utc']} | {cell(r['wall_s'])} | {cell(r['hunt_cpu_s'])} | "
              f"{cell(r.get('server_cpu_s'))} | {cell(r['hunt_peak_rss_mb'], '{:.0f}')} | "
              f"{cell(r.get('server_peak_rss_mb'), '{:.0f}')} | {cell(r.get('lines'), '{:,}')} | "
              f"{r.get('sorted_md5', '')[:8]} | {r['exit']} |")


if __name__ == "__main__":
    main()
