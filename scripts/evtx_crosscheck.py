#!/usr/bin/env python3
"""Cross-checks EVTXWriter output with independent parsers.

Writes COUNT synthetic events with `evtx-bench write` (the events also go to a JSON-lines file),
then parses the .evtx with python-evtx (module `Evtx`) and, when installed, with the `evtx`
package (Rust parser), and checks that every record's Provider/@Name, EventID,
TimeCreated/@SystemTime, EventRecordID, Channel, Computer and EventData/Data items match.

Usage: scripts/evtx_crosscheck.py [COUNT] [BENCH_BINARY]
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import Evtx.Evtx as evtx

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
HERE = os.path.dirname(os.path.abspath(__file__))
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
BENCH = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", ".build", "release", "evtx-bench")


def python_evtx_fields(root):
    system = root.find(NS + "System")
    event_data = root.find(NS + "EventData")
    return {
        "providerName": system.find(NS + "Provider").get("Name"),
        "eventID": system.find(NS + "EventID").text,
        # python-evtx prints "YYYY-MM-DD HH:MM:SS.ffffff" (microseconds); compared at that precision.
        "timeCreated": system.find(NS + "TimeCreated").get("SystemTime"),
        "recordID": system.find(NS + "EventRecordID").text,
        "channel": system.find(NS + "Channel").text,
        "computer": system.find(NS + "Computer").text,
        "data": [[d.get("Name"), d.text or ""] for d in event_data.findall(NS + "Data")] if event_data is not None else [],
    }


def micro(text):
    """ISO time text cut to microseconds, as a comparable datetime."""
    text = text.replace("T", " ").rstrip("Z").split("+")[0]
    if "." in text:
        head, frac = text.split(".")
        text = head + "." + (frac + "000000")[:6]
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S")


def main():
    work = tempfile.mkdtemp(prefix="evtx-crosscheck-")
    path, jsonl = os.path.join(work, "written.evtx"), os.path.join(work, "written.jsonl")
    subprocess.run([BENCH, "write", path, str(COUNT), "--jsonl", jsonl], check=True)
    expected = [json.loads(line) for line in open(jsonl)]
    problems = []

    with evtx.Evtx(path) as log:
        header = log.get_file_header()
        if not header.verify():
            problems.append("python-evtx: file header does not verify")
        for chunk in header.chunks():
            if not chunk.verify():
                problems.append("python-evtx: chunk at %d does not verify" % chunk.offset())
        got = [python_evtx_fields(ET.fromstring(r.xml())) for r in log.records()]
    if len(got) != len(expected):
        problems.append("python-evtx: %d records, expected %d" % (len(got), len(expected)))
    for i, (g, e) in enumerate(zip(got, expected)):
        for key in ("providerName", "eventID", "recordID", "channel", "computer", "data"):
            if g[key] != e[key]:
                problems.append("python-evtx record %d: %s is %r, expected %r" % (i, key, g[key], e[key]))
        # python-evtx converts FILETIME through floating point, which can be off by a microsecond or two.
        if abs((micro(g["timeCreated"]) - micro(e["timeCreated"])).total_seconds()) > 2e-6:
            problems.append("python-evtx record %d: time %s, expected %s" % (i, g["timeCreated"], e["timeCreated"]))
    print("python-evtx: %d records compared" % len(got))

    try:
        from evtx import PyEvtxParser
    except ImportError:
        PyEvtxParser = None
    if PyEvtxParser is not None:
        rust = []
        for r in PyEvtxParser(path).records_json():
            ev = json.loads(r["data"])["Event"]
            system = ev["System"]
            data = ev.get("EventData") or {}
            rust.append({
                "providerName": system["Provider"]["#attributes"]["Name"],
                "eventID": str(system["EventID"]),
                "timeCreated": system["TimeCreated"]["#attributes"]["SystemTime"],
                "recordID": str(system["EventRecordID"]),
                "channel": system["Channel"],
                "computer": system["Computer"],
                "data": {k: ("" if v is None else v) for k, v in data.items()},
            })
        if len(rust) != len(expected):
            problems.append("evtx (Rust): %d records, expected %d" % (len(rust), len(expected)))
        for i, (g, e) in enumerate(zip(rust, expected)):
            for key in ("providerName", "eventID", "recordID", "channel", "computer"):
                if g[key] != e[key]:
                    problems.append("evtx record %d: %s is %r, expected %r" % (i, key, g[key], e[key]))
            if abs((micro(g["timeCreated"]) - micro(e["timeCreated"])).total_seconds()) > 1e-6:
                problems.append("evtx record %d: time %s, expected %s" % (i, g["timeCreated"], e["timeCreated"]))
            # The Rust JSON output types numbers and strips GUID braces; compare as text loosely.
            want = {k: v for k, v in e["data"]}
            for k, v in want.items():
                have = g["data"].get(k)
                if str(have).lower() not in (v.lower(), v.strip("{}").lower()):
                    problems.append("evtx record %d: Data %s is %r, expected %r" % (i, k, have, v))
        print("evtx (Rust): %d records compared" % len(rust))

    for p in problems[:20]:
        print("MISMATCH", p)
    print("%d problems" % len(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
