"""Samples the server's system.processes every 0.3 s while a command runs and prints, per query
(query_id), its longest elapsed time, most rows and bytes read and peak memory seen, with the
query's first characters: which of a run's queries does the server's work.

    python3 bench/ch_query_sampler.py http://127.0.0.1:18123 OUT.tsv -- hunt detect ...
"""
import subprocess, sys, threading, time, urllib.request, urllib.parse

url, out = sys.argv[1], sys.argv[2]
assert sys.argv[3] == "--"
SQL = ("SELECT query_id, elapsed, read_rows, read_bytes, memory_usage, "
       "replaceAll(replaceAll(substring(query, 1, 400), '\\n', ' '), '\\t', ' ') FROM system.processes "
       "WHERE query NOT LIKE '%system.processes%' FORMAT TSV")
seen, done = {}, threading.Event()

def sample():
    while not done.wait(0.3):
        try:
            rows = urllib.request.urlopen(url, data=SQL.encode(), timeout=5).read().decode().splitlines()
        except OSError:
            continue
        for row in rows:
            qid, elapsed, rr, rb, mem, text = row.split("\t", 5)
            prev = seen.get(qid, (0, 0, 0, 0, text))
            seen[qid] = (max(prev[0], float(elapsed)), max(prev[1], int(rr)), max(prev[2], int(rb)),
                         max(prev[3], int(mem)), text)

t = threading.Thread(target=sample, daemon=True); t.start()
start = time.time()
rc = subprocess.run(sys.argv[4:]).returncode
done.set(); t.join()
with open(out, "w") as f:
    for qid, (e, rr, rb, mem, text) in sorted(seen.items(), key=lambda kv: -kv[1][0]):
        f.write(f"{e:.2f}\t{rr}\t{rb}\t{mem}\t{text}\n")
print(f"wall {time.time() - start:.1f} s, exit {rc}, {len(seen)} queries seen; longest:")
for line in open(out).read().splitlines()[:12]:
    print("  " + line[:260])
