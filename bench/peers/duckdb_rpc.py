"""DuckDB peer, detect: remote_service_rpc as a range join over the same flat Sysmon NDJSON.

Usage: duckdb_rpc.py DB FILE RUNS [COMMAND_JSON] ; prints one JSON object: load_seconds, rows,
query_seconds (list). With COMMAND_JSON (a JSON list: a command, e.g. `hunt detect …`), the
command runs (and is timed, wall) before each query, so both sides are measured in turn in the
same minute; its times come back as command_seconds, paired with query_seconds.

Load: only the keys the rule needs (a column list, so DuckDB can skip the rest), Sysmon EID 1 and 3,
into two tables. Query (same semantics as queries/sql/remote_service_rpc.sql): an incoming TCP
connection to services.exe, both ports >= 49152, source not loopback (any spelling); a process whose parent is
that services.exe entity (ProcessGuid) on the same host, started 0-1000 ms after it; one row per
child, paired with the latest such connection.
"""
import json
import subprocess
import sys
import time

import duckdb

db, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
command = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
con = duckdb.connect(db)
start = time.perf_counter()
con.execute("""
CREATE TABLE raw AS
SELECT * FROM read_json(?, format = 'newline_delimited', columns = {
    EventID: 'BIGINT', Hostname: 'VARCHAR', UtcTime: 'VARCHAR', ProcessGuid: 'VARCHAR',
    ProcessId: 'BIGINT', Image: 'VARCHAR', CommandLine: 'VARCHAR',
    ParentProcessGuid: 'VARCHAR', ParentImage: 'VARCHAR',
    Protocol: 'VARCHAR', Initiated: 'VARCHAR', SourceIp: 'VARCHAR', SourcePort: 'VARCHAR',
    DestinationIp: 'VARCHAR', DestinationPort: 'VARCHAR'})
WHERE EventID IN (1, 3)
""", [path])
con.execute("""
CREATE TABLE processes AS
SELECT lower(Hostname) AS host, strptime(UtcTime, '%Y-%m-%d %H:%M:%S.%g') AS ts,
       ProcessGuid AS entity_id, ProcessId AS pid, Image AS executable, CommandLine AS command_line,
       ParentProcessGuid AS parent_entity_id,
       lower(regexp_extract(ParentImage, '[^\\\\]*$')) AS parent_name
FROM raw WHERE EventID = 1
""")
con.execute("""
CREATE TABLE network_connections AS
SELECT lower(Hostname) AS host, strptime(UtcTime, '%Y-%m-%d %H:%M:%S.%g') AS ts,
       ProcessGuid AS entity_id, lower(regexp_extract(Image, '[^\\\\]*$')) AS name,
       lower(Protocol) AS transport,
       CASE WHEN lower(Initiated) = 'true' THEN 'outgoing' ELSE 'incoming' END AS direction,
       SourceIp AS source_ip, TRY_CAST(SourcePort AS INTEGER) AS source_port,
       -- loopback in any spelling the corpus uses: 127.x, ::1, IPv4-mapped (dotted or hex)
       regexp_matches(lower(SourceIp),
           '^(127\.|::1$|0:0:0:0:0:0:0:1$|(::|0:0:0:0:0:)ffff:(127\.|7f))') AS source_is_loopback,
       DestinationIp AS destination_ip, TRY_CAST(DestinationPort AS INTEGER) AS destination_port
FROM raw WHERE EventID = 3
""")
con.execute("DROP TABLE raw")
load_seconds = time.perf_counter() - start

QUERY = """
SELECT c.host, c.ts AS process_ts, c.entity_id AS child_entity_id, c.executable,
       arg_max(n.ts, n.ts) AS network_ts, arg_max(n.source_ip, n.ts) AS source_ip,
       count(*) AS connections_in_window
FROM processes AS c
JOIN network_connections AS n
  ON n.host = c.host
 AND n.entity_id = c.parent_entity_id
 AND n.ts BETWEEN c.ts - INTERVAL 1000 MILLISECOND AND c.ts
WHERE c.parent_name = 'services.exe'
  AND n.name = 'services.exe'
  AND n.direction = 'incoming'
  AND n.transport = 'tcp'
  AND n.source_port >= 49152
  AND n.destination_port >= 49152
  AND NOT n.source_is_loopback
GROUP BY ALL
ORDER BY c.ts
"""
times, rows, command_times = [], 0, []
for _ in range(runs):
    if command:
        t = time.perf_counter()
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        command_times.append(time.perf_counter() - t)
    t = time.perf_counter()
    rows = len(con.execute(QUERY).fetchall())
    times.append(time.perf_counter() - t)
candidates = con.execute(
    "SELECT count(*) FROM processes WHERE parent_name = 'services.exe'").fetchone()[0]
con.close()
print(json.dumps({"load_seconds": load_seconds, "rows": rows, "query_seconds": times,
                  "candidates": candidates, "command_seconds": command_times}))
