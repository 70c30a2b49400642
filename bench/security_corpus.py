"""A Security-heavy corpus for ClickHouse load benchmarks, from the real recordings in
../shared/datasets/security-datasets (NXLog flat JSON): their Windows Security / System
records that hunt stores (4688, 4689, 5156, 4608, 4624, 4625, 4697, 7045), one copy per host and
day, with the host name rewritten (hostNNN.bench.local) and every time moved by whole days, so
each copy is a new record (new times and record numbers) with the same shape: pids, creators,
exits and device paths that the linker relinks.

    python3 bench/security_corpus.py OUT.ndjson --hosts 100 --first-day 0 --days 1

Day d of host h has its times moved by d days and its RecordNumber by (d + 1) × 10,000,000."""
import argparse, datetime, glob, gzip, json, os

STORED = {4688, 4689, 5156, 4608, 4624, 4625, 4697, 7045}
DATASETS = os.environ.get("DATASETS", "/work/shared/datasets/security-datasets")


def records():
    """The stored Security/System records of every recording, in file order."""
    found = []
    for path in sorted(glob.glob(f"{DATASETS}/*.json.gz")):
        with gzip.open(path, "rt") as f:
            for line in f:
                r = json.loads(line)
                if r.get("EventID") in STORED and str(r.get("Channel", "")).lower() in ("security", "system"):
                    found.append(r)
    return found


def shifted(value, days, fmt):
    t = datetime.datetime.strptime(value, fmt) + datetime.timedelta(days=days)
    return t.strftime(fmt)


def moved(r, host, day):
    r = dict(r)
    r["Hostname"] = host
    r["RecordNumber"] = int(r.get("RecordNumber", 0)) + (day + 1) * 10_000_000
    for key in ("EventTime", "EventReceivedTime"):
        if key in r:
            r[key] = shifted(r[key], day, "%Y-%m-%d %H:%M:%S")
    if "@timestamp" in r:
        r["@timestamp"] = shifted(r["@timestamp"].rstrip("Z"), day, "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--hosts", type=int, default=100)
    p.add_argument("--first-day", type=int, default=0)
    p.add_argument("--days", type=int, default=1)
    a = p.parse_args()
    base = records()
    n = 0
    with open(a.out, "w") as out:
        for day in range(a.first_day, a.first_day + a.days):
            for h in range(a.hosts):
                for r in base:
                    out.write(json.dumps(moved(r, f"host{h:03d}.bench.local", day), separators=(",", ":")) + "\n")
                    n += 1
    print(f"{a.out}: {n} records ({len(base)} per host and day)")


if __name__ == "__main__":
    main()
