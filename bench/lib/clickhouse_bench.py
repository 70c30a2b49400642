"""ClickHouse backend: load rate into one server and into two shards (a Distributed table over
two local servers), and each built-in rule's time there, next to the SQLite figures on the same
generated corpus. Servers are Debian's clickhouse-server (18.16), started in a temporary folder
on loopback ports and stopped at the end; skipped with a note when it is not installed."""

import os
import random
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from .corpora import count_label
from .proc import CommandFailed

BINARY = "/usr/sbin/clickhouse-server"
# Per query, on every server: a hunter's server must not need more for a rule. At 10M events the
# three rules peak under 1 GB each (session 8; before, remote_service_rpc needed 4.45 GiB). A rule
# over the cap fails with ClickHouse's error 241 and is reported as FAILED.
MAX_MEMORY = 2_000_000_000
RULES = ("remote_service_rpc", "rpc_service_process", "rpc_service_network")


class Server:
    """One clickhouse-server daemon; `shards` names the cluster `two_shards`."""

    def __init__(self, address, http_port, tcp_port, shards=()):
        self.address, self.http_port = address, http_port
        self.dir = Path(tempfile.mkdtemp(prefix="hunt-bench-clickhouse-"))
        cluster = "".join(f"<shard><replica><host>{h}</host><port>{p}</port></replica></shard>"
                          for h, p in shards)
        (self.dir / "config.xml").write_text(f"""<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{self.dir}/server.log</log><errorlog>{self.dir}/error.log</errorlog></logger>
  <http_port>{http_port}</http_port><tcp_port>{tcp_port}</tcp_port><listen_host>{address}</listen_host>
  <path>{self.dir}/data/</path><tmp_path>{self.dir}/tmp/</tmp_path>
  <user_files_path>{self.dir}/user_files/</user_files_path><format_schema_path>{self.dir}/fs/</format_schema_path>
  <users_config>{self.dir}/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <remote_servers><two_shards>{cluster}</two_shards></remote_servers>
</yandex>""")
        (self.dir / "users.xml").write_text(f"""<?xml version="1.0"?>
<yandex><profiles><default><max_memory_usage>{MAX_MEMORY}</max_memory_usage></default></profiles>
<users><default><password></password><networks><ip>127.0.0.0/8</ip><ip>::1</ip></networks>
<profile>default</profile><quota>default</quota></default></users><quotas><default></default></quotas></yandex>""")
        subprocess.run([BINARY, "--daemon", f"--pid-file={self.dir}/server.pid",
                        f"--config-file={self.dir}/config.xml"], cwd=self.dir, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"http://{address}:{http_port}/ping", timeout=1).read():
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"clickhouse-server did not start on {address}:{http_port}")

    def url(self, database, cluster=None):
        return f"clickhouse://{self.address}:{self.http_port}/{database}" + (
            f"?cluster={cluster}" if cluster else "")

    def cpu_seconds(self):
        """The server process's CPU time so far (user + system, from /proc), or None."""
        try:
            pid = int((self.dir / "server.pid").read_text().strip())
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        try:
            pid = int((self.dir / "server.pid").read_text().strip())
            os.kill(pid, 15)
            for _ in range(200):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def _with_server_cpu(servers, measure):
    """Runs measure() and adds the servers' CPU seconds it took (the client's own CPU is small)."""
    before = [server.cpu_seconds() for server in servers]
    result = measure()
    after = [server.cpu_seconds() for server in servers]
    if None not in before and None not in after:
        result["server_cpu_seconds"] = sum(after) - sum(before)
    return result


def _rules(ctx, db, servers=(), label=""):
    """Each rule's figures, reported as soon as it ends (a 10M run is long: partial figures stay)."""
    results = {}
    for rule in RULES:
        try:
            results[rule] = r = _with_server_cpu(servers, lambda: ctx.hunt.detect(db, rule))
        except CommandFailed as failure:
            # One failing rule (a server limit) is reported; the others are still measured.
            t = failure.timed
            results[rule] = {"seconds": t.seconds, "cpu_seconds": t.cpu_seconds, "alerts": "FAILED",
                             "failure": t.stderr.strip().splitlines()[-2:]}
            ctx.progress(f"clickhouse: {label} {rule}: FAILED after {t.seconds:.1f} s: {results[rule]['failure']}")
            continue
        ctx.progress(f"clickhouse: {label} {rule}: {r['seconds']:.2f} s wall, {_cpu(r)} ({r['alerts']} alerts)")
    return results


def _report_load(ctx, label, r):
    ctx.progress(f"clickhouse: {label}: {r['seconds']:.1f} s wall ({_cpu(r)}), {r['read'] / r['seconds']:,.0f} events/s, "
                 f"loaded {r['loaded']}, peak RSS {r['peak_rss_mb']:.0f} MB")
    return r


def _cpu(r):
    cells = [f"client CPU {r['cpu_seconds']:.1f} s"]
    if "server_cpu_seconds" in r:
        cells.append(f"server CPU {r['server_cpu_seconds']:.1f} s")
    return ", ".join(cells)


def run(ctx, events, corpus=None, sqlite_db=None, shards=True, one_server=True):
    if not os.access(BINARY, os.X_OK):
        ctx.note(f"clickhouse: skipped ({BINARY} is not installed; .ci/run installs it)")
        return None
    if corpus:
        corpus = Path(corpus)
    else:
        ctx.progress(f"clickhouse: generating {count_label(events)} flat NDJSON gzip (cached)")
        corpus = ctx.corpora.generate("sysmon-flat", events, gzip=True, cache=True)
    result = {"events": events, "corpus": str(corpus)}

    if one_server:
        base = random.randrange(20_000, 30_000) * 2
        one = Server("127.0.0.1", base, base + 1)
        try:
            ctx.progress("clickhouse: load into one server")
            result["one_server_load"] = _report_load(ctx, "one server load", _with_server_cpu(
                [one], lambda: ctx.hunt.load(one.url("bench"), [corpus], fresh=False)))
            result["one_server_rules"] = _rules(ctx, one.url("bench"), [one], label="one server")
        finally:
            one.stop()

    if shards:
        base = random.randrange(20_000, 30_000) * 2
        addresses = [("127.0.0.1", base + 1), ("127.0.0.2", base + 1)]
        servers = [Server(h, base, base + 1, addresses) for h, _ in addresses]
        try:
            db = servers[0].url("bench", cluster="two_shards")
            ctx.progress("clickhouse: load into two shards")
            result["two_shards_load"] = _report_load(ctx, "two shards load", _with_server_cpu(
                servers, lambda: ctx.hunt.load(db, [corpus], fresh=False)))
            result["two_shards_rules"] = _rules(ctx, db, servers, label="two shards")
        finally:
            for server in servers:
                server.stop()

    # The SQLite reference runs last: on a long (10M) run the ClickHouse figures come first.
    if sqlite_db == "none":
        ctx.note("clickhouse: no SQLite reference in this run (--clickhouse-sqlite-db none)")
    elif sqlite_db:
        ctx.progress(f"clickhouse: SQLite rules on {sqlite_db} (the reference; its load is not re-measured)")
        result["sqlite_rules"] = _rules(ctx, sqlite_db, label="SQLite")
    else:
        sqlite_db = ctx.out / "clickhouse-peer.db"
        ctx.progress("clickhouse: SQLite load and rules (the reference)")
        result["sqlite_load"] = _report_load(ctx, "SQLite load", ctx.hunt.load(sqlite_db, [corpus]))
        result["sqlite_rules"] = _rules(ctx, sqlite_db, label="SQLite")
        ctx.remove_db(sqlite_db)

    lines = [f"clickhouse, {count_label(events)} events ({corpus.name}; machine shared with other jobs):"]
    for key in ("sqlite_load", "one_server_load", "two_shards_load"):
        if key not in result:
            continue
        r = result[key]
        lines.append(f"  {key}: {r['seconds']:.1f} s wall ({_cpu(r)}), {r['read'] / r['seconds']:,.0f} events/s, "
                     f"loaded {r['loaded']}, peak RSS {r['peak_rss_mb']:.0f} MB")
    for rule in RULES:
        cells = [f"{name} {result[key][rule]['seconds']:.2f} s wall, {_cpu(result[key][rule])} "
                 f"({result[key][rule]['alerts']} alerts)"
                 for name, key in (("SQLite", "sqlite_rules"), ("one server", "one_server_rules"),
                                   ("two shards", "two_shards_rules")) if key in result]
        lines.append(f"  {rule}: " + "; ".join(cells))
    result["summary"] = "\n".join(lines)
    for line in lines:
        ctx.note(line)
    return result
