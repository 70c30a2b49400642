"""Context events for the alert-context benchmark (issue 17): the logons and service installs a
real fleet would log beside the generated corpus's remote-service activity.

The generated bulk corpus has processes and connections only (everyone benchmarks on it, so it
stays as it is). A fair measure of the context needs the evidence the lookups seek, so this step
reads a loaded database (read-only) and writes a flat NXLog NDJSON file of Security and System
events, which `hunt load` then adds to a copy of that database:

- a Security 4624 network logon (type 3) on the target host for every incoming connection to
  services.exe between high ports, from the connection's source address and port, 5-200 ms
  before it (Windows logs one per authenticated session: every remote SCM call has one);
- a System 7045 service install for one in four processes services.exe started, its ImagePath
  the child's command line, 0.2-1.5 s before the child (most remote starts reuse a service;
  some install one);
- as many network logons again from other addresses of the fleet at random times, so the
  logon lookup must pick among candidates.

Deterministic (a fixed seed), so two runs measure the same store.
"""

import json
import random
import sqlite3
from datetime import datetime, timezone


def _iso(micros):
    return datetime.fromtimestamp(micros / 1_000_000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _record(event_id, channel, host, micros, record_number, fields):
    r = {"EventID": event_id, "Channel": channel, "Hostname": host, "EventTime": _iso(micros),
         "RecordNumber": record_number, "SourceName": "Microsoft-Windows-Security-Auditing"
         if channel == "Security" else "Service Control Manager"}
    r.update(fields)
    return r


def write(db, path, seed=17):
    """Writes the context events for the store at `db` to `path`; returns their counts."""
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    counts = {"logons": 0, "noise_logons": 0, "service_installs": 0}
    record = 1
    addresses = []
    span = con.execute("SELECT min(ts_us), max(ts_us) FROM network_connections").fetchone()
    with open(path, "w") as out:
        connections = con.execute(
            "SELECT h.name, n.ts_us, n.source_ip, n.source_port FROM network_connections AS n "
            "JOIN hosts AS h ON h.host_id = n.host_id "
            "WHERE n.name = 'services.exe' AND n.direction = 'incoming' "
            "AND n.source_port >= 49152 AND n.destination_port >= 49152 ORDER BY n.event_id")
        for host, ts, ip, port in connections:
            if ip is None:
                continue
            addresses.append((host, ip))
            fields = {"TargetUserName": f"svc{rng.randrange(40):02d}", "TargetDomainName": "CORP",
                      "TargetLogonId": hex(0x100000 + record), "LogonType": "3", "IpAddress": ip,
                      "IpPort": str(port), "WorkstationName": "-", "LogonProcessName": "NtLmSsp ",
                      "AuthenticationPackageName": "NTLM", "ProcessId": "0x0", "ProcessName": "-"}
            out.write(json.dumps(_record(4624, "Security", host, ts - rng.randrange(5_000, 200_000), record, fields)) + "\n")
            record += 1
            counts["logons"] += 1
        children = con.execute(
            "SELECT h.name, p.ts_us, p.command_line FROM processes AS p "
            "JOIN hosts AS h ON h.host_id = p.host_id "
            "WHERE p.parent_name = 'services.exe' AND p.command_line IS NOT NULL ORDER BY p.event_id")
        for i, (host, ts, command_line) in enumerate(children):
            if i % 4:
                continue
            fields = {"ServiceName": f"Svc{record:07d}", "ImagePath": command_line, "ServiceType": "user mode service",
                      "StartType": "demand start", "AccountName": "LocalSystem"}
            out.write(json.dumps(_record(7045, "System", host, ts - rng.randrange(200_000, 1_500_000), record, fields)) + "\n")
            record += 1
            counts["service_installs"] += 1
        if addresses and span[0] is not None:
            for _ in range(counts["logons"]):
                host, _ = rng.choice(addresses)
                _, ip = rng.choice(addresses)
                fields = {"TargetUserName": f"user{rng.randrange(500):03d}", "TargetDomainName": "CORP",
                          "TargetLogonId": hex(0x100000 + record), "LogonType": "3", "IpAddress": ip,
                          "IpPort": str(rng.randrange(49152, 65536)), "LogonProcessName": "Kerberos",
                          "AuthenticationPackageName": "Kerberos"}
                out.write(json.dumps(_record(4624, "Security", host, rng.randrange(span[0], span[1]), record, fields)) + "\n")
                record += 1
                counts["noise_logons"] += 1
    con.close()
    return counts
