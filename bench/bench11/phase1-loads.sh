#!/bin/sh
# Phase 1 loads (bench11), one after the other.
cd /work/bench11
export LOG=/work/briefs/bench11.jsonl
H=/work/corpora/hunt-ab97868
python3 bench/timed.py "load ch ten 10M ab97868" - -- $H load --quiet --db clickhouse://127.0.0.1:18123/ten /work/corpora/flat-10m.ndjson.gz
SERVER_PID=/nonexistent python3 bench/timed.py "load sqlite main-10m.db ab97868" - -- $H load --quiet --db /work/corpora/main-10m.db /work/corpora/flat-10m.ndjson.gz
SERVER_PID=/nonexistent python3 bench/timed.py "load sqlite main-2m.db ab97868" - -- $H load --quiet --db /work/corpora/main-2m.db /work/corpora/flat-2m.ndjson.gz
