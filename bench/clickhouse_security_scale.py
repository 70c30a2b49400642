"""Does a Security-heavy load into ClickHouse slow down as the store grows? Loads DAYS files of
bench/security_corpus.py (100 hosts, one day each, 19,500 stored Security records per file;
each file relinks the hosts it names) one `hunt load` each into a fresh 18.16 server, and
prints each load's wall time, hunt's CPU (user + sys, GNU time) and the server's CPU (/proc).
Run it once per binary (A/B):

    HUNT=/work/corpora/hunt-a75d0c7 DAYS=12 OUT=/tmp/x python3 bench/clickhouse_security_scale.py
    HUNT=.build-rel/release/hunt     DAYS=12 OUT=/tmp/x python3 bench/clickhouse_security_scale.py

The corpus files are made once under OUT (OUT/dayN.ndjson)."""
import json, os, random, subprocess, sys, time
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository, not bench/ (bench.py)
from bench.lib.clickhouse_bench import Server

HUNT = os.environ.get("HUNT", ".build-rel/release/hunt")
OUT = os.environ.get("OUT", "/tmp/hunt-security-scale")
DAYS = int(os.environ.get("DAYS", "12"))
CLUSTER = os.environ.get("CLUSTER") == "1"
os.makedirs(OUT, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
files = []
for day in range(DAYS):
    path = f"{OUT}/day{day}.ndjson"
    if not os.path.exists(path):
        subprocess.run([sys.executable, f"{here}/security_corpus.py", path, "--hosts", "100", "--first-day", str(day)], check=True)
    files.append(path)

port = random.randint(20000, 30000)
if CLUSTER:
    servers = [Server("127.0.0.1", port, port + 1, shards=[("127.0.0.1", port + 1), ("127.0.0.2", port + 3)]),
               Server("127.0.0.2", port + 2, port + 3, shards=[("127.0.0.1", port + 1), ("127.0.0.2", port + 3)])]
    url = servers[0].url("security_scale", cluster="two_shards")
else:
    servers = [Server("127.0.0.1", port, port + 1)]
    url = servers[0].url("security_scale")
try:
    for day, path in enumerate(files):
        before = sum(s.cpu_seconds() or 0 for s in servers)
        start = time.time()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", HUNT, "load", "--db", url, path], capture_output=True, text=True)
        wall = time.time() - start
        server_cpu = sum(s.cpu_seconds() or 0 for s in servers) - before
        e, u, s_, m = p.stderr.strip().splitlines()[-1].split()
        total = next((l for l in p.stderr.splitlines() if l.startswith("total:")), "?")
        print(json.dumps({"hunt": HUNT, "day": day + 1, "events_before": day * 19500, "exit": p.returncode, "wall_s": round(wall, 2),
                          "hunt_cpu_s": round(float(u) + float(s_), 2), "server_cpu_s": round(server_cpu, 2),
                          "events_per_s": round(19500 / wall), "total": total}), flush=True)
        if p.returncode != 0:
            print(p.stderr[-2000:]); break
finally:
    for s in servers:
        s.stop()
