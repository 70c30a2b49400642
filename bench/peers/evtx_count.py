"""EVTX peer: the `evtx` PyPI package (Rust parser) renders every record of a file as JSON.

Usage: evtx_count.py FILE ; prints one JSON object: records, seconds.
"""
import json
import sys
import time

from evtx import PyEvtxParser

start = time.perf_counter()
records = sum(1 for _ in PyEvtxParser(sys.argv[1]).records_json())
print(json.dumps({"records": records, "seconds": time.perf_counter() - start}))
