import sys, time, os
from evtx import PyEvtxParser
path = sys.argv[1]; mode = sys.argv[2] if len(sys.argv) > 2 else "json"; repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
t = time.time(); n = 0
for _ in range(repeat):
    p = PyEvtxParser(path)
    it = p.records_json() if mode == "json" else p.records()
    for r in it:
        n += 1
dt = time.time() - t
size = os.path.getsize(path) * repeat
print("evtx(%s) records %d seconds %.3f records/s %d MB/s %.1f" % (mode, n, dt, n / dt, size / 1e6 / dt))
