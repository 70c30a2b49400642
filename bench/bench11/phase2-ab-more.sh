#!/bin/sh
# Two more A/B rounds of the fresh 2M load (bench11).
S=30c41b6; NEW=/work/corpora/hunt-$S; OLD=/work/corpora/hunt-ab97868
T=/work/corpora/b11tools; export LOG=/work/briefs/bench11.jsonl
q(){ curl -s "http://127.0.0.1:18123/" --data-binary "$1"; }
for r in 3 4; do
  python3 $T/bench/timed.py "p2 ab load 2M $S r$r" - -- $NEW load --quiet --db clickhouse://127.0.0.1:18123/ab2m_new_r$r /work/corpora/flat-2m.ndjson.gz
  q "SELECT table, count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database='ab2m_new_r$r' AND table IN ('processes','network_connections') GROUP BY table ORDER BY table FORMAT TSV" | sed "s/^/ab2m_new_r$r /" >> /work/corpora/ab2m-parts.txt
  python3 $T/bench/timed.py "p2 ab load 2M ab97868 r$r" - -- $OLD load --quiet --db clickhouse://127.0.0.1:18123/ab2m_old_r$r /work/corpora/flat-2m.ndjson.gz
  q "SELECT table, count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND database='ab2m_old_r$r' AND table IN ('processes','network_connections') GROUP BY table ORDER BY table FORMAT TSV" | sed "s/^/ab2m_old_r$r /" >> /work/corpora/ab2m-parts.txt
done
