"""The report: readable tables with ratios, the targets (met or not, with the measured figure),
and the BENCHMARKS.md section."""

from .corpora import count_label
from .peers import ZIRCOLITE_REF_EVENTS_PER_S
from . import sigma_report

RPC = "remote_service_rpc"
RSS_LIMIT_MB = 200


def _f(x, digits=2):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if abs(x) >= 100000:
        return f"{x / 1000:,.0f}k"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def _ms(s):
    return "—" if s is None else f"{s * 1000:,.1f}"


def _table(headers, rows):
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    return "\n".join([line, sep, *body])


def _load_avg(row):
    la = row.get("load_before") or []
    return f"{la[0]:.1f}" if la else "—"


def _rpc(scale):
    return next((r for r in scale["rules"] if r["rule"] == RPC), None)


def targets(res):
    """Each target of the issue with the measured figure and whether it is met (None: not run)."""
    out = []

    def add(name, measured, met, detail=""):
        out.append({"target": name, "measured": measured, "met": met, "detail": detail})

    for row in res.get("skip", []):
        duck = row.get("duckdb")
        if duck:
            ratio = row["duckdb_over_hunt"]
            add(f"skip irrelevant, {row['corpus']}: hunt time <= DuckDB/10",
                f"hunt {row['hunt']['seconds']:.2f} s vs DuckDB {duck['seconds']:.2f} s "
                f"= {ratio:.1f}x", ratio >= 10)
        else:
            add(f"skip irrelevant, {row['corpus']}: hunt time <= DuckDB/10", "DuckDB did not run",
                None)
        eps = row["hunt"]["events_per_s"]
        need = 25 * ZIRCOLITE_REF_EVENTS_PER_S
        add(f"skip irrelevant, {row['corpus']}: 25x Zircolite (reference 5.5k ev/s, not run "
            f"here)", f"{eps:,.0f} ev/s = {eps / ZIRCOLITE_REF_EVENTS_PER_S:.1f}x reference",
            eps >= need, "Zircolite not measured in this run; ratio against MEASURED.md figure")

    flat = next((r for r in res.get("load", {}).get("rows", [])
                 if r["dialect"] == "sysmon-flat" and not r["gzip"]), None)
    if flat:
        add(f"all-relevant flat NDJSON load >= 150k events/s ({count_label(flat['events'])}, "
            f"dedupe + indexes)", f"{flat['events_per_s']:,.0f} events/s",
            flat["events_per_s"] >= 150000)
    large = res.get("large_load")
    if large:
        add(f"all-relevant gzip load >= 150k events/s ({count_label(large['events'])})",
            f"{large['events_per_s']:,.0f} events/s", large["events_per_s"] >= 150000)

    rss = []
    for r in res.get("load", {}).get("rows", []):
        rss.append((r["peak_rss_mb"], f"load {r['input']}"))
    if large:
        rss.append((large["peak_rss_mb"], f"load {large['input']}"))
    for row in res.get("skip", []):
        rss.append((row["hunt"]["peak_rss_mb"], f"load {row['corpus']}"))
    burst = res.get("burst")
    if burst:
        add("remote_service_rpc on a burst (20k connections, 2k children in one second) under 1 s",
            f"{_ms(burst['median_seconds'])} ms", burst["median_seconds"] < 1.0)
    for scale in res.get("detect", []):
        for r in scale["rules"]:
            rss.append((r["peak_rss_mb"], f"detect {r['rule']} {count_label(scale['events'])}"))
    if res.get("export"):
        rss.append((res["export"]["peak_rss_mb"], "export"))
    if rss:
        worst = max(rss)
        add(f"peak RSS <= {RSS_LIMIT_MB} MB (every hunt run)",
            f"max {worst[0]:.0f} MB ({worst[1]})", worst[0] <= RSS_LIMIT_MB)

    scales = res.get("detect", [])
    if scales:
        big = scales[-1]
        rpc = _rpc(big)
        duck = big.get("duckdb")
        label = count_label(big["events"])
        if rpc:
            add(f"remote_service_rpc at {label} well under 1 s (hunt detect, median)",
                f"{rpc['median_seconds'] * 1000:,.0f} ms", rpc["median_seconds"] < 1.0)
            if duck:
                add(f"remote_service_rpc at {label} faster than DuckDB's range join",
                    f"hunt detect {_ms(rpc['median_seconds'])} ms, rule SQL "
                    f"{_ms(rpc.get('sql_median_seconds'))} ms vs DuckDB {_ms(duck['median_seconds'])} "
                    f"ms", rpc["median_seconds"] < duck["median_seconds"],
                    "compares the hunt CLI (process start included) with a warm DuckDB query")
        if len(scales) > 1:
            small = scales[0]
            a, b = _rpc(small), _rpc(big)
            if a and b and a.get("sql_median_seconds"):
                ev = big["events"] / small["events"]
                cand = big["candidates"] / max(small["candidates"], 1)
                t = b["sql_median_seconds"] / a["sql_median_seconds"]
                add("remote_service_rpc cost follows services.exe candidates, not total",
                    f"events x{ev:.1f}, candidates x{cand:.1f}, rule SQL time x{t:.1f}",
                    t <= cand * 1.5,
                    "met when the time grows no faster than 1.5x the candidate count")

    gz = next((r for r in res.get("load", {}).get("rows", []) if r["gzip"]), None)
    if flat and gz:
        add("database bytes/event <= gzip NDJSON bytes/event",
            f"{flat['db_bytes_per_event']:.0f} B vs {gz['file_bytes_per_event']:.0f} B "
            f"({flat['db_bytes_per_event'] / gz['file_bytes_per_event']:.1f}x)",
            flat["db_bytes_per_event"] <= gz["file_bytes_per_event"],
            ("tables alone {:.0f} B/event (dbstat)".format(
                res["load"]["storage"]["tables_bytes_per_event"])
             if res["load"].get("storage") else ""))
    out += sigma_report.targets(res.get("sigma"))
    return out


def render(res):
    m = res["machine"]
    parts = [f"HuntDB benchmark — {res['mode']} run, {res['date']}, commit {res['commit']}",
             f"machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}, SQLite "
             f"{m['sqlite']}; load average at start {' '.join(map(str, res['load_before']))}, "
             f"at end {' '.join(map(str, res.get('load_after', [])))}; run took "
             f"{res.get('seconds', 0):.0f} s",
             f"command: {res['command']}", ""]

    load = res.get("load")
    if load:
        parts.append(f"LOAD — {count_label(load['events'])} events per dialect, every event a "
                     f"process start or network connection; fresh database; dedupe + indexes "
                     f"included")
        rows = []
        for r in load["rows"] + ([res["large_load"]] if res.get("large_load") else []):
            mbs = _f(r["mb_per_s"], 1)
            if r.get("uncompressed_mb_per_s"):
                mbs += f" ({_f(r['uncompressed_mb_per_s'], 1)} unpacked)"
            rows.append([r["input"], _f(r["file_bytes"] / 1e6, 1), _f(r["seconds"]),
                         _f(r["events_per_s"]), mbs,
                         _f(r.get("cpu_seconds", 0) / r["seconds"], 2),
                         _f(r.get("cpu_seconds", 0) * 1e6 / r["events"], 1),
                         _f(r["peak_rss_mb"], 0),
                         _f(r["db_bytes_per_event"], 0), _f(r["file_bytes_per_event"], 0),
                         _f(r["index_seconds"]), _load_avg(r)])
        parts.append(_table(["input", "file MB", "s", "events/s", "MB/s", "cores busy",
                             "CPU µs/event", "peak RSS MB",
                             "DB B/event", "file B/event", "index build s", "load avg"], rows))
        peers = load["peers"]
        prow = []
        flat = next((r for r in load["rows"] if r["dialect"] == "sysmon-flat" and not r["gzip"]),
                    None)
        if load.get("reload") and flat:
            rl = load["reload"]
            prow.append(["hunt, same file again (all duplicates)", _f(rl["seconds"]),
                         _f(rl["events_per_s"]), _f(rl["peak_rss_mb"], 0), "—"])
        for key, name in (("duckdb", "DuckDB read_json -> table"),
                          ("naive", "naive Python json + sqlite3")):
            p = peers.get(key)
            if p and flat:
                prow.append([f"{name} (flat NDJSON)", _f(p["wall_seconds"]),
                             _f(flat["events"] / p["wall_seconds"]), _f(p["peak_rss_mb"], 0),
                             f"{p['wall_seconds'] / flat['seconds']:.2f}x hunt's time"])
            elif flat:
                prow.append([f"{name} (flat NDJSON)", "did not run", "—", "—", "—"])
        ev = peers.get("evtx")
        evrow = next((r for r in load["rows"] if r["dialect"] == "evtx"), None)
        if ev and evrow:
            prow.append(["evtx PyPI (Rust) records_json, same .evtx", _f(ev["wall_seconds"]),
                         _f(ev["records"] / ev["wall_seconds"]), _f(ev["peak_rss_mb"], 0),
                         f"{ev['wall_seconds'] / evrow['seconds']:.2f}x hunt's time "
                         f"(parse only, no database)"])
        st = load.get("storage")
        if st:
            parts += ["", f"flat NDJSON database, bytes per event: tables "
                          f"{st['tables_bytes_per_event']:.0f}, indexes "
                          f"{st['indexes_bytes_per_event']:.0f} (largest: " + ", ".join(
                              f"{o['name']} {o['bytes_per_event']:.0f}" for o in st["objects"][:5])
                      + ")"]
        if prow:
            parts += ["", _table(["peer / variant", "s", "events/s", "peak RSS MB",
                                  "vs hunt"], prow)]
        parts.append("")

    skip = res.get("skip")
    if skip:
        parts.append("SKIP — mostly irrelevant input (hunt load vs DuckDB read_json vs naive "
                     "Python; medians; ratio = peer time / hunt time)")
        rows = []
        for r in skip:
            d, n = r.get("duckdb"), r.get("naive")
            rows.append([r["corpus"], f"{r['events']:,}", f"{r['relevant']:,}",
                         _f(r["bytes"] / 1e6, 1), _f(r["hunt"]["seconds"], 3),
                         _f(r["hunt"]["events_per_s"]), _f(r["hunt"]["peak_rss_mb"], 0),
                         _f(d["seconds"], 3) if d else "did not run",
                         f"{r['duckdb_over_hunt']:.1f}x" if d else "—",
                         _f(n["seconds"], 3) if n else "did not run",
                         f"{r['naive_over_hunt']:.1f}x" if n else "—",
                         f"{r['hunt']['events_per_s'] / ZIRCOLITE_REF_EVENTS_PER_S:.1f}x"])
        parts.append(_table(["corpus", "events", "relevant", "MB", "hunt s", "hunt events/s",
                             "hunt RSS MB", "DuckDB s", "DuckDB/hunt", "naive s", "naive/hunt",
                             "vs Zircolite ref*"], rows))
        parts.append("* Zircolite was not run (not installable here); ratio of hunt's events/s "
                     "to the 5.5k events/s in shared/MEASURED.md.")
        parts.append("")

    for scale in res.get("detect", []):
        label = count_label(scale["events"])
        parts.append(f"DETECT — {label} events ({scale['candidates']:,} services.exe children, "
                     f"{scale['services_connections']:,} services.exe connections); "
                     f"hunt detect --format csv --output /dev/null, median of "
                     f"{len(scale['rules'][0]['runs_seconds'])}")
        rows = []
        for r in scale["rules"]:
            rows.append([r["rule"], _ms(r["median_seconds"]), _ms(r["rule_sql_seconds_reported"]),
                         _ms(r.get("sql_median_seconds")), r["alerts"], r["suppressed"],
                         _f(r["peak_rss_mb"], 0)])
        duck = scale.get("duckdb")
        if duck:
            rows.append(["DuckDB range join (remote_service_rpc)", "—", "—",
                         _ms(duck["median_seconds"]), f"{duck['rows']} rows", "—",
                         _f(duck["peak_rss_mb"], 0)])
        parts.append(_table(["rule", "CLI ms", "rule time reported ms", "SQL alone ms",
                             "alerts", "suppressed", "peak RSS MB"], rows))
        rpc = _rpc(scale)
        if rpc and rpc.get("sql_median_seconds") and scale["candidates"]:
            parts.append(f"remote_service_rpc SQL: "
                         f"{rpc['sql_median_seconds'] * 1e6 / scale['candidates']:.1f} µs per "
                         f"services.exe child, {rpc['sql_median_seconds'] * 1e6 / scale['events']:.2f}"
                         f" µs per event")
        if duck and rpc:
            parts.append(f"DuckDB/hunt: {duck['median_seconds'] / rpc['median_seconds']:.2f}x "
                         f"(CLI), {duck['median_seconds'] / rpc['sql_median_seconds']:.2f}x (SQL "
                         f"alone); DuckDB rows {duck['rows']} vs hunt rule SQL rows "
                         f"{rpc['sql_rows']} (before the allowlist); DuckDB load of the rule's "
                         f"columns {duck['load_seconds']:.1f} s")
        parts.append("")
    burst = res.get("burst")
    if burst:
        parts.append(f"BURST — one services.exe, {burst['connections']:,} qualifying connections and "
                     f"{burst['children']:,} children inside one second (a pairwise join does "
                     f"{burst['connections'] * burst['children']:,} pair steps)")
        rows = [["hunt detect --rule remote_service_rpc", _ms(burst["median_seconds"]), burst["alerts"],
                 _f(burst["peak_rss_mb"], 0)]]
        if burst.get("duckdb"):
            rows.append(["DuckDB range join (enumerates the pairs)", _ms(burst["duckdb"]["median_seconds"]),
                         f"{burst['duckdb']['rows']} rows", "—"])
        parts.append(_table(["run", "ms", "alerts", "peak RSS MB"], rows))
        parts.append("")
    if res.get("detect"):
        big = res["detect"][-1]
        parts.append(f"EXPLAIN QUERY PLAN remote_service_rpc ({count_label(big['events'])}):")
        parts += ["  " + line for line in big["plan"]]
        parts.append("")

    ex = res.get("export")
    if ex:
        parts.append(f"EXPORT — hunt sql --format csv of process_events + network_events "
                     f"({count_label(ex['events'])} events) to files")
        rows = [[p["view"], f"{p['rows']:,}", _f(p["seconds"]), _f(p["rows"] / p["seconds"]),
                 _f(p["bytes"] / 1e6, 0), _f(p["peak_rss_mb"], 0), _load_avg(p)]
                for p in ex["parts"]]
        rows.append(["total", f"{ex['rows']:,}", _f(ex["seconds"]), _f(ex["rows_per_s"]),
                     _f(ex["bytes"] / 1e6, 0), _f(ex["peak_rss_mb"], 0), ""])
        parts.append(_table(["view", "rows", "s", "rows/s", "CSV MB", "peak RSS MB",
                             "load avg"], rows))
        parts.append("")

    for name, prof in (res.get("profiles") or {}).items():
        if not prof:
            continue
        if "error" in prof:
            parts.append(f"PROFILE {name}: perf failed: {prof['error']}")
            continue
        parts.append(f"PROFILE {name} — perf, self time; {prof['seconds']:.2f} s wall, "
                     f"{prof['cpu_seconds']:.2f} s CPU")
        parts.append("  by library: " + ", ".join(
            f"{x['dso']} {x['percent']:.0f}%" for x in prof["by_library"]))
        parts += [f"  {x['percent']:5.1f}%  {x['dso'][:18]:18} {x['symbol']}"
                  for x in prof["top_functions"]]
        parts.append("")

    parts += sigma_report.render(res.get("sigma"))
    if res.get("targets"):
        parts.append("TARGETS")
        rows = [[t["target"], t["measured"],
                 "met" if t["met"] else ("not run" if t["met"] is None else "MISSED"),
                 t.get("detail", "")]
                for t in res["targets"]]
        parts.append(_table(["target", "measured", "result", "note"], rows))
        parts.append("")
    if res.get("notes"):
        parts.append("NOTES")
        parts += [f"- {n}" for n in res["notes"]]
    correlation = res.get("correlation")
    if correlation:
        parts.append("CORRELATION — the built-in Sigma correlation (temporal_ordered) vs the native "
                     "remote_service_rpc, and an event_count correlation grouped by host")
        parts.append(correlation["table"])
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def append_to_benchmarks(path, res, text):
    """Appends a dated section with the run's table; older sections stay, so regressions show."""
    m = res["machine"]
    section = [
        "",
        f"### {res['date']} — {res['mode']} run, commit {res['commit']}",
        "",
        f"- machine: {m['cores']} cores (`nproc`), {m['memory_gib']} GiB (`free -g`), "
        f"{m['cpu']}, kernel {m['kernel']}, SQLite {m['sqlite']}",
        f"- command: `{res['command']}`",
        f"- load average: {' '.join(map(str, res['load_before']))} at start, "
        f"{' '.join(map(str, res.get('load_after', [])))} at end (other builds share the "
        f"machine; CPU figures taken under load are noisy)",
        "",
        "```",
        text.rstrip(),
        "```",
        "",
    ]
    existing = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(existing.rstrip("\n") + "\n" + "\n".join(section))
