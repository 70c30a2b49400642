#!/bin/sh
# How `ten_old` was made on ch-one (bench11, 15:33-15:50 UTC): the pre-c0007 parts of `ten`,
# frozen before the upgrade, attached to a fresh ab97868 schema, for an A/B of the two layouts
# on one server. Shadow increments: 1 = ten.processes, 2 = ten.network_connections
# (3, 4 = two.*), taken after the tiny-4 load.
q(){ curl -s "http://127.0.0.1:18123/" --data-binary "$1"; }
# Before the upgrade:
#   for db in ten two; do for t in processes network_connections; do q "ALTER TABLE $db.$t FREEZE"; done; done
: > /work/corpora/empty.ndjson
/work/corpora/hunt-ab97868 load --db clickhouse://127.0.0.1:18123/ten_old /work/corpora/empty.ndjson
D=/work/corpora/ch-one/data/data
for pair in "1 processes" "2 network_connections"; do
  set -- $pair
  cp -al /work/corpora/ch-one/data/shadow/$1/data/ten/$2/. $D/ten_old/$2/detached/
  for p in 691 692; do q "ALTER TABLE ten_old.$2 ATTACH PARTITION $p"; done
done
for t in hosts sources source_counts; do q "INSERT INTO ten_old.$t SELECT * FROM ten.$t"; done
