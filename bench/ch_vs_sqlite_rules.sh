#!/bin/sh
# The three built-in rules (with and without the alert context) on a ClickHouse database and a
# SQLite file, alternating the stores, ROUNDS rounds; then the built-in Sigma correlation on
# CORR_CH / CORR_SQLITE. Every run goes through bench/timed.py (GNU time, nice 10, server CPU
# and RSS from /proc, md5 of the sorted NDJSON), one JSON line each into $LOG.
#
#   HUNT=/work/corpora/hunt-ab97868 CH=clickhouse://127.0.0.1:18123/ten SQLITE=/work/corpora/main-10m.db \
#   CORR_CH=clickhouse://127.0.0.1:18123/two CORR_SQLITE=/work/corpora/main-2m.db \
#   OUT=/work/corpora/out/p1 TAG=p1 ROUNDS=2 LOG=/work/briefs/bench11.jsonl sh bench/ch_vs_sqlite_rules.sh
#
# Either store may be left empty (CH= or SQLITE=) to run the other only; RULES and MODES narrow
# the runs (MODES: "context no-context").
set -u
cd "$(dirname "$0")/.."
: "${HUNT:?}" "${OUT:?}" "${TAG:?}"
ROUNDS=${ROUNDS:-2}
RULES=${RULES:-"remote_service_rpc rpc_service_process rpc_service_network"}
MODES=${MODES:-"context no-context"}
# remote_service_rpc_correlation (queries/sigma/remote_service_rpc_correlation.yml): --rule takes its id
CORRELATION_ID=6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20
mkdir -p "$OUT"

run() { # store-name url label-suffix args...
    name=$1; url=$2; suffix=$3; shift 3
    [ -n "$url" ] || return 0
    out="$OUT/$name-$suffix.ndjson"
    if [ "$name" = sqlite ]; then pidfile=/nonexistent; else pidfile=${SERVER_PID:-/work/corpora/ch-one/server.pid}; fi
    SERVER_PID=$pidfile python3 bench/timed.py "$TAG $name $suffix" "$out" -- \
        "$HUNT" detect --db "$url" "$@" --format ndjson --output "$out"
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
    for rule in $RULES; do
        for mode in $MODES; do
            flag=""; [ "$mode" = no-context ] && flag=--no-context
            run clickhouse "${CH:-}" "$rule-$mode-r$r" --rule "$rule" $flag
            run sqlite "${SQLITE:-}" "$rule-$mode-r$r" --rule "$rule" $flag
        done
    done
    r=$((r + 1))
done

r=1
while [ "$r" -le "${CORR_ROUNDS:-$ROUNDS}" ]; do
    run clickhouse "${CORR_CH:-}" "correlation-r$r" --sigma builtin --rule "$CORRELATION_ID"
    run sqlite "${CORR_SQLITE:-}" "correlation-r$r" --sigma builtin --rule "$CORRELATION_ID"
    r=$((r + 1))
done
