"""Naive baseline: plain Python json + sqlite3, as a hunter would write it in ten minutes.

Usage: naive_sqlite.py DB FILE... (flat Sysmon NDJSON, .gz allowed); prints one JSON object.
Every line is parsed with json.loads; Sysmon EID 1 and 3 go into two tables (UNIQUE host+record,
INSERT OR IGNORE), 50k rows per transaction, two indexes built at the end. Standard library only.
"""
import gzip
import json
import sqlite3
import sys
import time

db, files = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
con.execute("""CREATE TABLE processes (host TEXT, record INTEGER, utc_time TEXT, process_guid TEXT,
    pid INTEGER, image TEXT, command_line TEXT, parent_process_guid TEXT, parent_image TEXT,
    user TEXT, UNIQUE (host, record))""")
con.execute("""CREATE TABLE network_connections (host TEXT, record INTEGER, utc_time TEXT,
    process_guid TEXT, image TEXT, protocol TEXT, initiated TEXT, source_ip TEXT,
    source_port INTEGER, destination_ip TEXT, destination_port INTEGER, UNIQUE (host, record))""")
read = loaded = 0
pending = 0
for path in files:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            read += 1
            e = json.loads(line)
            eid = e.get("EventID")
            if eid == 1:
                con.execute("INSERT OR IGNORE INTO processes VALUES (?,?,?,?,?,?,?,?,?,?)", (
                    e.get("Hostname"), e.get("RecordNumber"), e.get("UtcTime"),
                    e.get("ProcessGuid"), e.get("ProcessId"), e.get("Image"),
                    e.get("CommandLine"), e.get("ParentProcessGuid"), e.get("ParentImage"),
                    e.get("User")))
            elif eid == 3:
                con.execute("INSERT OR IGNORE INTO network_connections VALUES "
                            "(?,?,?,?,?,?,?,?,?,?,?)", (
                    e.get("Hostname"), e.get("RecordNumber"), e.get("UtcTime"),
                    e.get("ProcessGuid"), e.get("Image"), e.get("Protocol"), e.get("Initiated"),
                    e.get("SourceIp"), e.get("SourcePort"), e.get("DestinationIp"),
                    e.get("DestinationPort")))
            else:
                continue
            loaded += 1
            pending += 1
            if pending >= 50000:
                con.commit()
                pending = 0
con.commit()
con.execute("CREATE INDEX p_parent ON processes (host, parent_process_guid, utc_time)")
con.execute("CREATE INDEX n_entity ON network_connections (host, process_guid, utc_time)")
con.commit()
con.close()
print(json.dumps({"read": read, "loaded": loaded, "seconds": time.perf_counter() - start}))
