#!/bin/sh
# Phase 2 steps 2-4 (bench11). $1 = short commit of the new binary (hunt-$1).
S=$1; NEW=/work/corpora/hunt-$S; OLD=/work/corpora/hunt-ab97868
T=/work/corpora/b11tools; export LOG=/work/briefs/bench11.jsonl
q(){ curl -s "http://127.0.0.1:18123/" --data-binary "$1"; }
date -u +"phase2 start %H:%M:%S"
# Step 2: upgrade ten (c0007 over 10M) by a 1-event load into a new host, counts before/after.
/work/corpora/counts.sh ten > /work/corpora/counts-ten-before-upgrade.txt
for t in processes network_connections logons service_installs command_line_evidence lifecycle_events host_volumes hosts sources source_counts; do q "SHOW CREATE TABLE ten.$t"; done > /work/corpora/ddl-ten-before-upgrade.txt
STDERR_FILE=/work/corpora/upgrade-ten.stderr python3 $T/bench/timed.py "p2 upgrade ten (c0007, load tiny-1) $S" - -- $NEW load --db clickhouse://127.0.0.1:18123/ten /work/corpora/tiny-1.ndjson
/work/corpora/counts.sh ten > /work/corpora/counts-ten-after-upgrade.txt
for t in processes network_connections logons service_installs command_line_evidence lifecycle_events host_volumes hosts sources source_counts; do q "SHOW CREATE TABLE ten.$t"; done > /work/corpora/ddl-ten-after-upgrade.txt
# The same tiny load again on the upgraded store (no migration left): the load's own cost.
STDERR_FILE=/work/corpora/tiny2-ten.stderr python3 $T/bench/timed.py "p2 tiny load ten after upgrade (tiny-2) $S" - -- $NEW load --db clickhouse://127.0.0.1:18123/ten /work/corpora/tiny-2.ndjson
/work/corpora/counts.sh ten > /work/corpora/counts-ten-after-tiny2.txt
# Upgrade two (2M) the same way, for the correlation.
/work/corpora/counts.sh two > /work/corpora/counts-two-before-upgrade.txt
STDERR_FILE=/work/corpora/upgrade-two.stderr python3 $T/bench/timed.py "p2 upgrade two (c0007, load tiny-3) $S" - -- $NEW load --db clickhouse://127.0.0.1:18123/two /work/corpora/tiny-3.ndjson
/work/corpora/counts.sh two > /work/corpora/counts-two-after-upgrade.txt
date -u +"upgrades done %H:%M:%S"
# Step 3: rules on the upgraded ten (new binary) alternating with SQLite 10M (ab97868, file untouched).
cd $T
for r in 1 2; do
  for rule in remote_service_rpc rpc_service_process rpc_service_network; do
    for mode in context no-context; do
      flag=""; [ $mode = no-context ] && flag=--no-context
      python3 bench/timed.py "p2 clickhouse $rule-$mode-r$r" /work/corpora/out/p2/clickhouse-$rule-$mode-r$r.ndjson -- $NEW detect --db clickhouse://127.0.0.1:18123/ten --rule $rule $flag --format ndjson --output /work/corpora/out/p2/clickhouse-$rule-$mode-r$r.ndjson
      SERVER_PID=/nonexistent python3 bench/timed.py "p2 sqlite $rule-$mode-r$r" /work/corpora/out/p2/sqlite-$rule-$mode-r$r.ndjson -- $OLD detect --db /work/corpora/main-10m.db --rule $rule $flag --format ndjson --output /work/corpora/out/p2/sqlite-$rule-$mode-r$r.ndjson
    done
  done
done
CID=6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20
for r in 1 2; do
  python3 bench/timed.py "p2 clickhouse correlation-r$r" /work/corpora/out/p2/clickhouse-correlation-r$r.ndjson -- $NEW detect --db clickhouse://127.0.0.1:18123/two --sigma builtin --rule $CID --format ndjson --output /work/corpora/out/p2/clickhouse-correlation-r$r.ndjson
  SERVER_PID=/nonexistent python3 bench/timed.py "p2 sqlite correlation-r$r" /work/corpora/out/p2/sqlite-correlation-r$r.ndjson -- $OLD detect --db /work/corpora/main-2m.db --sigma builtin --rule $CID --format ndjson --output /work/corpora/out/p2/sqlite-correlation-r$r.ndjson
done
for r in 1 2; do
  python3 bench/timed.py "p2-10m clickhouse correlation-r$r" /work/corpora/out/p2-10m/clickhouse-correlation-r$r.ndjson -- $NEW detect --db clickhouse://127.0.0.1:18123/ten --sigma builtin --rule $CID --format ndjson --output /work/corpora/out/p2-10m/clickhouse-correlation-r$r.ndjson
  SERVER_PID=/nonexistent python3 bench/timed.py "p2-10m sqlite correlation-r$r" /work/corpora/out/p2-10m/sqlite-correlation-r$r.ndjson -- $OLD detect --db /work/corpora/main-10m.db --sigma builtin --rule $CID --format ndjson --output /work/corpora/out/p2-10m/sqlite-correlation-r$r.ndjson
done
date -u +"rules done %H:%M:%S"
# Step 4: fresh 2M loads, A/B alternating, new databases.
for r in 1 2; do
  python3 bench/timed.py "p2 ab load 2M ab97868 r$r" - -- $OLD load --quiet --db clickhouse://127.0.0.1:18123/ab2m_old_r$r /work/corpora/flat-2m.ndjson.gz
  q "SELECT table, count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database='ab2m_old_r$r' AND table IN ('processes','network_connections') GROUP BY table ORDER BY table FORMAT TSV" | sed "s/^/ab2m_old_r$r /" >> /work/corpora/ab2m-parts.txt
  python3 bench/timed.py "p2 ab load 2M $S r$r" - -- $NEW load --quiet --db clickhouse://127.0.0.1:18123/ab2m_new_r$r /work/corpora/flat-2m.ndjson.gz
  q "SELECT table, count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database='ab2m_new_r$r' AND table IN ('processes','network_connections') GROUP BY table ORDER BY table FORMAT TSV" | sed "s/^/ab2m_new_r$r /" >> /work/corpora/ab2m-parts.txt
done
date -u +"phase2 done %H:%M:%S"
