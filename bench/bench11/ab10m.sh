#!/bin/sh
# Layout A/B at 10M (bench11): ab97868 on ten_old (the pre-c0007 parts, restored from FREEZE)
# against 30c41b6 on ten (upgraded by c0007), alternating, same server.
NEW=/work/corpora/hunt-30c41b6; OLD=/work/corpora/hunt-ab97868
T=/work/corpora/b11tools; export LOG=/work/briefs/bench11.jsonl; O=/work/corpora/out/ab10m; mkdir -p $O
CID=6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20
one() { # tag binary db what args...
  tag=$1; bin=$2; db=$3; what=$4; shift 4
  python3 $T/bench/timed.py "$tag clickhouse $what" $O/$tag-$what.ndjson -- $bin detect --db clickhouse://127.0.0.1:18123/$db "$@" --format ndjson --output $O/$tag-$what.ndjson
}
for r in 1 2; do
  for rule in remote_service_rpc rpc_service_process rpc_service_network; do
    if [ $r = 1 ]; then
      one ab10m-old $OLD ten_old $rule-context-r$r --rule $rule; one ab10m-new $NEW ten $rule-context-r$r --rule $rule
    else
      one ab10m-new $NEW ten $rule-context-r$r --rule $rule; one ab10m-old $OLD ten_old $rule-context-r$r --rule $rule
    fi
  done
  one ab10m-old $OLD ten_old rpc_service_network-no-context-r$r --rule rpc_service_network --no-context
  one ab10m-new $NEW ten rpc_service_network-no-context-r$r --rule rpc_service_network --no-context
  one ab10m-old $OLD ten_old correlation-r$r --sigma builtin --rule $CID
  one ab10m-new $NEW ten correlation-r$r --sigma builtin --rule $CID
done
