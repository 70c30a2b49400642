"""Runs one `hunt` command under GNU time (nice 10) and prints one JSON line of figures: wall,
hunt CPU (user + sys), hunt peak RSS, the ClickHouse server's CPU over the run (utime + stime
from /proc/PID/stat) and its RSS (peak of VmRSS sampled every 0.2 s, and VmRSS after), the
output's lines and the md5 of its lines sorted (with PREFIX removed, so stores loaded from other
folders compare). The line is also appended to LOG.

    SERVER_PID=/work/corpora/ch-one/server.pid LOG=/work/briefs/bench11.jsonl \
    python3 bench/timed.py LABEL OUTPUT -- hunt detect --db URL --rule R --format ndjson --output OUTPUT

OUTPUT may be `-` (no output file: load and upgrade runs). STDERR_FILE=path keeps the command's
standard error. Exit status: the command's."""
import hashlib, json, os, subprocess, sys, threading, time

CLK = os.sysconf("SC_CLK_TCK")


def server_pid():
    path = os.environ.get("SERVER_PID", "/work/corpora/ch-one/server.pid")
    try:
        return int(open(path).read().strip())
    except (OSError, ValueError):
        return None


def cpu_seconds(pid):
    if pid is None:
        return None
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def rss_kb(pid):
    if pid is None:
        return None
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def main():
    label, output = sys.argv[1], sys.argv[2]
    assert sys.argv[3] == "--"
    command = sys.argv[4:]
    pid = server_pid()
    peak = [rss_kb(pid) or 0]
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak[0] = max(peak[0], rss_kb(pid) or 0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_before = cpu_seconds(pid)
    started = time.strftime("%H:%M:%S", time.gmtime())
    p = subprocess.run(["nice", "-n", "10", "/usr/bin/time", "-f", "%e %U %S %M", *command],
                       stderr=subprocess.PIPE, text=True)
    cpu_after = cpu_seconds(pid)
    done.set()
    sampler.join()
    if os.environ.get("STDERR_FILE"):
        with open(os.environ["STDERR_FILE"], "w") as f:
            f.write(p.stderr)
    e, u, s, m = p.stderr.strip().splitlines()[-1].split()
    result = {"label": label, "start_utc": started, "exit": p.returncode, "wall_s": float(e),
              "hunt_cpu_s": round(float(u) + float(s), 2), "hunt_user_s": float(u), "hunt_sys_s": float(s),
              "hunt_peak_rss_mb": round(int(m) / 1024, 1)}
    if pid is not None:
        result["server_cpu_s"] = round(cpu_after - cpu_before, 2)
        result["server_peak_rss_mb"] = round(peak[0] / 1024, 1)
        result["server_rss_after_mb"] = round((rss_kb(pid) or 0) / 1024, 1)
    if output != "-" and os.path.exists(output):
        prefix = os.environ.get("PREFIX", "")
        lines = open(output, encoding="utf-8", errors="surrogateescape").read().splitlines()
        if prefix:
            lines = [line.replace(prefix, "") for line in lines]
        digest = hashlib.md5("\n".join(sorted(lines)).encode("utf-8", "surrogateescape")).hexdigest()
        result.update({"lines": len(lines), "sorted_md5": digest})
    if p.returncode not in (0, 2) or (output != "-" and not os.path.exists(output)):
        result["stderr_tail"] = p.stderr.strip().splitlines()[-4:-1]
    line = json.dumps(result)
    print(line, flush=True)
    if os.environ.get("LOG"):
        with open(os.environ["LOG"], "a") as log:
            log.write(line + "\n")
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
