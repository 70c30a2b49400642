#!/usr/bin/env python3
"""Computes reference expectations for the real EVTX sample files with an independent parser
(python-evtx, module `Evtx`; `pip install python-evtx`) and writes them to
Tests/HuntDBTests/EVTX/Fixtures/evtx_expectations.json.

Per file: the number of records, the number of Sysmon Event ID 1 and 3 records, and for a few
records (first, middle, last, first Event ID 3) the EventRecordID, Computer, UtcTime, Image and
ProcessGuid, each with the record's 0-based position in file order.

Usage: scripts/evtx_expectations.py [DATASET_DIR] [OUTPUT_JSON]
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

import Evtx.Evtx as evtx

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
HERE = os.path.dirname(os.path.abspath(__file__))
DATASET = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "datasets", "evtx-attack-samples")
OUTPUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "Tests", "HuntDBTests", "EVTX", "Fixtures", "evtx_expectations.json")


def summarize(root):
    system = root.find(NS + "System")
    data = {}
    event_data = root.find(NS + "EventData")
    if event_data is not None:
        for d in event_data.findall(NS + "Data"):
            data[d.get("Name", "")] = d.text or ""
    return {
        "provider": system.find(NS + "Provider").get("Name"),
        "eventID": (system.find(NS + "EventID").text or "").strip(),
        "EventRecordID": system.find(NS + "EventRecordID").text,
        "Computer": system.find(NS + "Computer").text,
        "UtcTime": data.get("UtcTime"),
        "Image": data.get("Image"),
        "ProcessGuid": data.get("ProcessGuid"),
    }


def main():
    files = {}
    for path in sorted(glob.glob(os.path.join(DATASET, "*.evtx"))):
        records = []
        with evtx.Evtx(path) as log:
            for record in log.records():
                records.append(summarize(ET.fromstring(record.xml())))
        sysmon = [r for r in records if r["provider"] == "Microsoft-Windows-Sysmon"]
        picks = {0, len(records) // 2, len(records) - 1}
        first3 = next((i for i, r in enumerate(records) if r["eventID"] == "3"), None)
        if first3 is not None:
            picks.add(first3)
        samples = []
        for i in sorted(p for p in picks if 0 <= p < len(records)):
            r = dict(records[i])
            r["index"] = i
            del r["provider"], r["eventID"]
            samples.append(r)
        files[os.path.basename(path)] = {
            "records": len(records),
            "sysmonEventID1": sum(1 for r in sysmon if r["eventID"] == "1"),
            "sysmonEventID3": sum(1 for r in sysmon if r["eventID"] == "3"),
            "samples": samples,
        }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as f:
        json.dump({"parser": "python-evtx " + getattr(evtx, "__version__", ""), "files": files}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUTPUT, "for", len(files), "files")


if __name__ == "__main__":
    main()
