"""DuckDB peer, load: read_json of NDJSON files (gzip by extension) into one table of a file database.

Usage: duckdb_load.py DB FILE... ; prints one JSON object: rows, seconds, db_bytes.
This is what a hunter would type: every key becomes a column (union_by_name), nothing is skipped.
"""
import json
import os
import sys
import time

import duckdb

db, files = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
con = duckdb.connect(db)
con.execute(
    "CREATE TABLE events AS SELECT * FROM read_json(?, format = 'newline_delimited', "
    "union_by_name = true, maximum_object_size = 16777216)", [files])
rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
con.close()
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "db_bytes": os.path.getsize(db)}))
