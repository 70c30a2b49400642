"""Where a hunt command spends its CPU: `perf record` (when perf exists), self time by library and
the top functions, demangled. This is the measured reason behind a missed throughput target."""

import shutil
import subprocess

from .proc import run_timed


def _perf_report(data, sort, limit):
    out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", sort,
                          "--stdio", "-g", "none", "--percent-limit", str(limit)],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "%" not in line.split()[0]:
            continue
        fields = line.split(None, 2 if sort == "dso,sym" else 1)
        rows.append([float(fields[0].rstrip("%"))] + fields[1:])
    return rows


def _demangle(names):
    swift = shutil.which("swift")
    if not swift or not names:
        return names
    p = subprocess.run([swift, "demangle", "--simplified", "--compact"],
                       input="\n".join(names), capture_output=True, text=True)
    out = p.stdout.splitlines()
    return out if len(out) == len(names) else names


def profile(cmd, data_path, top=12):
    """Runs cmd under perf record; returns None when perf is missing or not permitted."""
    if not shutil.which("perf"):
        return None
    try:
        t = run_timed(["perf", "record", "-F", "499", "-g", "-o", data_path, "--", *cmd],
                      ok_codes=(0, 2, 3))
    except Exception as e:  # perf not permitted here (paranoid setting, container): say so
        return {"error": str(e).splitlines()[0]}
    by_dso = [{"percent": r[0], "dso": r[1].strip()} for r in _perf_report(data_path, "dso", 0.5)]
    syms = _perf_report(data_path, "dso,sym", 0.8)[:top]
    names = [r[2].replace("[.] ", "").replace("[k] ", "").strip() for r in syms]
    names = _demangle(names)
    by_sym = [{"percent": r[0], "dso": r[1], "symbol": n[:110]} for r, n in zip(syms, names)]
    return {"seconds": t.seconds, "cpu_seconds": t.cpu_seconds, "by_library": by_dso,
            "top_functions": by_sym}
