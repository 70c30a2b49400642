"""A burst that makes pairwise temporal joins quadratic: one services.exe receives CONNECTIONS
qualifying RPC connections and starts CHILDREN processes, all inside one second, on one host
(flat Sysmon NDJSON, the format Security-Datasets and NXLog use)."""
import json


def write_burst(path, connections=20_000, children=2_000, host="WS-BURST.corp.example"):
    services = "{b34bc01c-0001-5f63-0100-000000000400}"
    base = "2026-11-01 10:00:00"
    record = 0
    with open(path, "w") as out:
        def event(fields):
            nonlocal record
            record += 1
            fields.update({"SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
                           "Hostname": host, "RecordNumber": record})
            out.write(json.dumps(fields, separators=(",", ":")) + "\n")
        total = connections + children
        for i in range(total):
            micros = i * 999_000 // total   # all inside one second
            utc = f"{base}.{micros // 1000:03d}"
            if i % (total // children) == 0:
                event({"EventID": 1, "UtcTime": utc, "ProcessGuid": "{c0000000-0000-0000-0000-%012d}" % i,
                       "ProcessId": str(5000 + i), "Image": r"C:\Windows\burst%05d.exe" % i,
                       "CommandLine": r"C:\Windows\burst%05d.exe" % i, "User": r"NT AUTHORITY\SYSTEM",
                       "ParentProcessGuid": services, "ParentProcessId": "700",
                       "ParentImage": r"C:\Windows\System32\services.exe", "ParentCommandLine": r"C:\Windows\System32\services.exe"})
            else:
                event({"EventID": 3, "UtcTime": utc, "ProcessGuid": services, "ProcessId": "700",
                       "Image": r"C:\Windows\System32\services.exe", "User": r"NT AUTHORITY\SYSTEM",
                       "Protocol": "tcp", "Initiated": "false", "SourceIp": "10.0.0.5", "SourcePort": str(49152 + i % 16000),
                       "DestinationIp": "10.0.0.9", "DestinationPort": "49700"})
    return record


if __name__ == "__main__":
    import sys
    print(write_burst(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
