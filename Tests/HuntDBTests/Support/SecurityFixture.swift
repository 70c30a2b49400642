import Foundation
import HuntDB

/// One Windows Security event for tests, rendered into every dialect `hunt` reads.
struct SecurityEvent {
    var eventID: Int
    var record: Int
    /// The exact time, µs since 1970 (XML and EVTX carry it to 100 ns).
    var micros: Int64
    var host = SecurityFixture.host
    var channel = "Security"
    var data: [(String, String)]
    /// The provider (System 7045: `Service Control Manager`).
    var provider = "Microsoft-Windows-Security-Auditing"
    /// System/Execution ProcessID: the process that wrote the event (PowerShell 4103: its host).
    var executionPID = 4
}

/// Builds Windows Security 4688 / 4689 / 5156 / 4608 events and renders them as flat NXLog
/// NDJSON, Winlogbeat, Winlogbeat's security module (ECS), evtx_dump JSON, XML and EVTX.
enum SecurityFixture {
    static let host = "WS9.corp.example"
    /// 2026-11-01 10:00:00 UTC.
    static let base = Timestamp.parseMicros("2026-11-01T10:00:00Z")!
    static let services = #"C:\Windows\System32\services.exe"#

    static func at(_ ms: Int) -> Int64 { base + Int64(ms) * 1000 }

    static func hex(_ pid: Int) -> String { "0x" + String(pid, radix: 16) }

    static func processStart(record: Int, ms: Int, pid: Int, creator: String?, image: String,
                             parentImage: String = services, commandLine: String? = nil, host: String = host) -> SecurityEvent {
        var data: [(String, String)] = [
            ("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", "WS9$"), ("SubjectDomainName", "CORP"),
            ("SubjectLogonId", "0x3e7"), ("NewProcessId", hex(pid)), ("NewProcessName", image),
            ("TokenElevationType", "%%1936"),
        ]
        if let creator { data.append(("ProcessId", creator)) }
        data += [("CommandLine", commandLine ?? image), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", "-"),
                 ("TargetDomainName", "-"), ("TargetLogonId", "0x0"), ("ParentProcessName", parentImage),
                 ("MandatoryLabel", "S-1-16-16384")]
        return SecurityEvent(eventID: 4688, record: record, micros: at(ms), host: host, data: data)
    }

    static func exit(record: Int, ms: Int, pid: Int, image: String, host: String = host) -> SecurityEvent {
        SecurityEvent(eventID: 4689, record: record, micros: at(ms), host: host, data: [
            ("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", "WS9$"), ("SubjectDomainName", "CORP"),
            ("SubjectLogonId", "0x3e7"), ("Status", "0x0"), ("ProcessId", hex(pid)), ("ProcessName", image),
        ])
    }

    static func connection(record: Int, ms: Int, pid: Int, application: String, direction: String = "%%14592",
                           source: (String, Int) = ("10.0.0.5", 50123), destination: (String, Int) = ("10.0.0.9", 49726),
                           protocolNumber: String = "6", host: String = host) -> SecurityEvent {
        SecurityEvent(eventID: 5156, record: record, micros: at(ms), host: host, data: [
            ("ProcessID", String(pid)), ("Application", application), ("Direction", direction),
            ("SourceAddress", source.0), ("SourcePort", String(source.1)), ("DestAddress", destination.0),
            ("DestPort", String(destination.1)), ("Protocol", protocolNumber), ("FilterRTID", "69686"),
            ("LayerName", "%%14610"), ("LayerRTID", "44"), ("RemoteUserID", "S-1-0-0"), ("RemoteMachineID", "S-1-0-0"),
        ])
    }

    static func boot(record: Int, ms: Int, host: String = host) -> SecurityEvent {
        SecurityEvent(eventID: 4608, record: record, micros: at(ms), host: host, data: [])
    }

    /// A host without Sysmon: booted, then services.exe (pid 704, never seen starting) accepts
    /// 10.0.0.5:50123 on 49726 at +600.2 s and starts cmd.exe at +600.6 s, which starts
    /// PowerShell and exits; an svchost started by services.exe shows which drive volume 2 is.
    static let lateralMovement: [SecurityEvent] = [
        boot(record: 1, ms: 0),
        processStart(record: 2, ms: 5_000, pid: 996, creator: "0x2c0", image: #"C:\Windows\System32\svchost.exe"#,
                     commandLine: #"C:\Windows\system32\svchost.exe -k RPCSS -p"#),
        connection(record: 3, ms: 600_100, pid: 996, application: #"\device\harddiskvolume2\windows\system32\svchost.exe"#,
                   source: ("10.0.0.5", 50122), destination: ("10.0.0.9", 135)),
        connection(record: 4, ms: 600_200, pid: 704, application: #"\device\harddiskvolume2\windows\system32\services.exe"#),
        processStart(record: 5, ms: 600_600, pid: 0x2344, creator: "0x2c0", image: #"C:\Windows\System32\cmd.exe"#,
                     commandLine: #"C:\windows\system32\cmd.exe /C start /b powershell -noP -enc SQBmAA=="#),
        processStart(record: 6, ms: 600_650, pid: 0x10d8, creator: "0x2344",
                     image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#,
                     parentImage: #"C:\Windows\System32\cmd.exe"#, commandLine: "powershell -noP -enc SQBmAA=="),
        exit(record: 7, ms: 600_700, pid: 0x2344, image: #"C:\Windows\System32\cmd.exe"#),
        connection(record: 8, ms: 601_000, pid: 0x10d8,
                   application: #"\device\harddiskvolume2\windows\system32\windowspowershell\v1.0\powershell.exe"#,
                   direction: "%%14593", source: ("10.0.0.9", 63854), destination: ("10.10.10.5", 80)),
        connection(record: 9, ms: 601_500, pid: 4, application: "System", direction: "%%14593",
                   source: ("10.0.0.9", 137), destination: ("10.0.0.255", 137), protocolNumber: "17"),
        connection(record: 10, ms: 602_000, pid: 996, application: #"\device\harddiskvolume2\windows\system32\svchost.exe"#,
                   direction: "%%14593", source: ("10.0.0.9", 0), destination: ("10.0.0.1", 0), protocolNumber: "47"),
    ]

    // MARK: Dialects

    /// `2026-11-01T10:00:00.1234567Z`: SystemTime as XML and EVTX write it (100 ns digits).
    static func systemTime(_ micros: Int64) -> String {
        let iso = Timestamp.iso8601(micros: micros)  // …T10:00:00.123Z
        let fraction = String(format: "%06d", Int(micros % 1_000_000))
        return String(iso.prefix(19)) + "." + fraction + "0Z"
    }

    static func windowsEvent(_ e: SecurityEvent) -> WindowsEvent {
        WindowsEvent(providerName: e.provider, eventID: String(e.eventID),
                     timeCreated: systemTime(e.micros), recordID: String(e.record), channel: e.channel, computer: e.host,
                     data: e.data.map { WindowsEvent.DataItem(name: $0.0, value: $0.1) })
    }

    static func xml(_ e: SecurityEvent) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            + "<Provider Name='\(e.provider)' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>"
            + "<EventID>\(e.eventID)</EventID><Version>2</Version><Level>0</Level><Task>13312</Task>"
            + "<TimeCreated SystemTime='\(systemTime(e.micros))'/><EventRecordID>\(e.record)</EventRecordID>"
            + "<Correlation/><Execution ProcessID='\(e.executionPID)' ThreadID='7212'/>"
            + "<Channel>\(e.channel)</Channel><Computer>\(e.host)</Computer><Security/></System><EventData>"
            + e.data.map { "<Data Name='\($0.0)'>\(escape($0.1))</Data>" }.joined() + "</EventData></Event>"
    }

    static func evtxJSON(_ e: SecurityEvent) -> String {
        json(["Event": [
            "#attributes": ["xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"],
            "System": [
                "Provider": ["#attributes": ["Name": e.provider]],
                "EventID": e.eventID, "EventRecordID": e.record, "Channel": e.channel, "Computer": e.host,
                "TimeCreated": ["#attributes": ["SystemTime": systemTime(e.micros)]],
                "Execution": ["#attributes": ["ProcessID": e.executionPID, "ThreadID": 7212]],
            ],
            "EventData": Dictionary(uniqueKeysWithValues: e.data),
        ]])
    }

    /// Winlogbeat: EventData under `winlog.event_data`, `@timestamp` in milliseconds.
    static func winlogbeat(_ e: SecurityEvent) -> String {
        json([
            "@timestamp": Timestamp.iso8601(micros: e.micros),
            "host": ["name": e.host.lowercased()],
            "winlog": [
                "event_id": String(e.eventID), "provider_name": e.provider,
                "channel": e.channel, "record_id": e.record, "computer_name": e.host,
                "event_data": Dictionary(uniqueKeysWithValues: e.data), "process": ["pid": e.executionPID],
            ] as [String: Any],
        ])
    }

    /// Winlogbeat's security module: the process fields moved to ECS (decimal pids), the rest kept.
    static func winlogbeatECS(_ e: SecurityEvent) -> String {
        let moved: Set<String> = ["NewProcessId", "NewProcessName", "ProcessId", "ProcessID", "ParentProcessName",
                                  "CommandLine", "Application", "ProcessName"]
        var data = Dictionary(uniqueKeysWithValues: e.data)
        var process: [String: Any] = [:]
        func pid(_ text: String?) -> Int? {
            guard let text else { return nil }
            return text.hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
        }
        switch e.eventID {
        case 4688:
            process = ["pid": pid(data["NewProcessId"])!, "executable": data["NewProcessName"]!,
                       "command_line": data["CommandLine"]!,
                       "parent": ["executable": data["ParentProcessName"]!] as [String: Any]]
            if let creator = pid(data["ProcessId"]) { process["parent"] = ["pid": creator, "executable": data["ParentProcessName"]!] }
        case 4689:
            process = ["pid": pid(data["ProcessId"])!, "executable": data["ProcessName"]!]
        case 5156:
            process = ["pid": pid(data["ProcessID"])!, "executable": data["Application"]!]
        default: break
        }
        for key in moved { data[key] = nil }
        var document: [String: Any] = [
            "@timestamp": Timestamp.iso8601(micros: e.micros),
            "event": ["code": String(e.eventID), "provider": e.provider, "module": "security"],
            "host": ["name": e.host.lowercased()],
            "winlog": [
                "event_id": String(e.eventID), "provider_name": e.provider,
                "channel": e.channel, "record_id": String(e.record), "computer_name": e.host, "event_data": data,
            ] as [String: Any],
        ]
        if !process.isEmpty { document["process"] = process }
        return json(document)
    }

    /// NXLog's flat export as Security-Datasets has it: channel `security`, `EventTime` in the
    /// host's local time (UTC-4 here) to the second, `EventReceivedTime` local, `@timestamp` UTC.
    static func flat(_ e: SecurityEvent, zoneHours: Int = -4, collectorTimes: Bool = true) -> String {
        func local(_ micros: Int64) -> String {
            let shifted = micros + Int64(zoneHours) * 3_600_000_000
            return String(Timestamp.iso8601(micros: shifted).prefix(19)).replacingOccurrences(of: "T", with: " ")
        }
        var fields: [String: Any] = [
            "EventID": e.eventID, "SourceName": e.provider, "Channel": e.channel.lowercased(),
            "Hostname": e.host, "host": "wec.corp.example", "RecordNumber": e.record, "EventTime": local(e.micros),
            "ExecutionProcessID": e.executionPID, "Keywords": -9214364837600034816, "EventType": "AUDIT_SUCCESS",
        ]
        if collectorTimes {
            fields["EventReceivedTime"] = local(e.micros + 2_000_000)
            fields["@timestamp"] = Timestamp.iso8601(micros: e.micros + 2_200_000)
        }
        for (name, value) in e.data { fields[name] = value }
        return json(fields)
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
