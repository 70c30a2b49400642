"""Sigma correlations on ClickHouse (one 18.16 server) next to SQLite over the same events:
the event_count rule of correlation_bench (every process start, grouped by host, 1 h) and the
built-in remote-service correlation. Loads CORPUS (flat NDJSON) into a fresh server, runs each
rule twice per store under GNU time (wall, user+sys, peak RSS of hunt) and the server's CPU from
/proc, and says whether the NDJSON is the same (after the sources' paths).

    HUNT=.build-rel/release/hunt OUT=/tmp/out SQLITE_DB=/tmp/out/main-1m.db \
    CORPUS=/work/corpora/flat-1m.ndjson.gz THRESHOLD=250 python3 bench/clickhouse_correlation.py

SQLITE_DB must hold the same corpus (a copy: hunt may upgrade its schema)."""
import os, random, shutil, subprocess, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.lib.clickhouse_bench import Server
from bench.lib.correlation_bench import EVENT_COUNT_RULE, CORRELATION_ID

HUNT = os.environ.get("HUNT", ".build-rel/release/hunt")
OUT = os.environ.get("OUT", "/tmp/hunt-clickhouse-correlation")
CORPUS = os.environ.get("CORPUS", "/work/corpora/flat-1m.ndjson.gz")
os.makedirs(OUT, exist_ok=True)
threshold = int(os.environ.get("THRESHOLD", "250"))
rules = f"{OUT}/event_count.yml"
open(rules, "w").write(EVENT_COUNT_RULE.format(threshold=threshold))

def timed(args, label, server=None):
    before = server.cpu_seconds() if server else None
    out = f"{OUT}/{label}.ndjson"
    start = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", HUNT, *args, "--format", "ndjson", "--output", out],
                       stderr=subprocess.PIPE, text=True)
    wall = time.time() - start
    last = p.stderr.strip().splitlines()[-1].split()
    e, u, s, m = float(last[0]), float(last[1]), float(last[2]), int(last[3])
    server_cpu = (server.cpu_seconds() - before) if server else None
    lines = open(out).read().splitlines()
    print(json.dumps({"label": label, "exit": p.returncode, "wall_s": e, "cpu_s": round(u + s, 2), "peak_rss_mb": round(m / 1024, 1),
                      "server_cpu_s": server_cpu, "alerts": len(lines)}), flush=True)
    if p.returncode not in (0, 2):
        print(p.stderr[-3000:])
    return lines

db = os.environ.get("SQLITE_DB", f"{OUT}/main-1m.db")
if not os.path.exists(db):
    sys.exit(f"{db}: no SQLite store of the corpus (set SQLITE_DB)")
ports = random.randint(20000, 30000)
server = Server("127.0.0.1", ports, ports + 1)
try:
    url = server.url("bench1m")
    t = time.time()
    p = subprocess.run([HUNT, "load", "--quiet", "--db", url, CORPUS], capture_output=True, text=True)
    print(json.dumps({"label": "clickhouse load 1M", "exit": p.returncode, "wall_s": round(time.time() - t, 1)}), flush=True)
    if p.returncode != 0:
        print(p.stderr[-2000:]); sys.exit(1)
    for name, args in [("event_count", ["--sigma", rules]), ("remote_service_correlation", ["--sigma", "builtin", "--rule", CORRELATION_ID])]:
        sqlite = timed(["detect", "--db", db, *args], f"{name}-sqlite")
        sqlite = timed(["detect", "--db", db, *args], f"{name}-sqlite")
        ch = timed(["detect", "--db", url, *args], f"{name}-clickhouse", server)
        ch = timed(["detect", "--db", url, *args], f"{name}-clickhouse", server)
        strip = lambda lines: [l.replace(os.path.dirname(CORPUS) + "/", "") for l in lines]
        print(json.dumps({"label": name, "same_ndjson": strip(sqlite) == strip(ch)}), flush=True)
finally:
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)
