#!/bin/sh
# Phase 1 rules (bench11): after the loads, the three rules at 10M on both stores, two rounds,
# with and without context, then the built-in correlation at 2M on both.
while pgrep -f phase1-loads.sh >/dev/null; do sleep 5; done
cd /work/bench11
HUNT=/work/corpora/hunt-ab97868 CH=clickhouse://127.0.0.1:18123/ten SQLITE=/work/corpora/main-10m.db \
CORR_CH=clickhouse://127.0.0.1:18123/two CORR_SQLITE=/work/corpora/main-2m.db \
OUT=/work/corpora/out/p1 TAG=p1 ROUNDS=2 LOG=/work/briefs/bench11.jsonl sh bench/ch_vs_sqlite_rules.sh
