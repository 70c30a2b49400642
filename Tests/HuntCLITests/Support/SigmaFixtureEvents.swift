import Foundation

/// Hand-written Sysmon events (flat NDJSON) for the Sigma semantics tests. Each event is named
/// by its record number; `SigmaSemanticsTests` states, per rule, exactly which records match.
/// Fields not given take the defaults below; `nil` leaves a field out of the event.
enum SigmaFixtureEvents {
    static let processDefaults: [String: String] = [
        "Image": #"C:\Tools\app.exe"#, "CommandLine": "app.exe --run",
        "ParentImage": #"C:\Windows\explorer.exe"#, "ParentCommandLine": #"C:\Windows\Explorer.EXE"#,
        "User": #"CORP\bob"#, "IntegrityLevel": "Medium", "CurrentDirectory": #"C:\Windows\System32\"#,
    ]

    static let networkDefaults: [String: String] = [
        "Image": #"C:\Windows\System32\svchost.exe"#, "User": #"NT AUTHORITY\NETWORK SERVICE"#,
        "Protocol": "tcp", "Initiated": "true", "SourceIp": "192.168.1.10", "SourcePort": "50001",
        "DestinationIp": "192.168.1.1", "DestinationPort": "443",
    ]

    /// Process creations (Sysmon 1), record number → fields that differ from the defaults.
    static let processes: [(Int, [String: String?])] = [
        // case-insensitivity, wildcards, `all of them`, lists of maps, `not 1 of filter*`
        (101, ["Image": #"C:\Windows\System32\cmd.exe"#, "CommandLine": "cmd.exe /c WHOAMI /ALL",
               "User": #"CORP\alice"#, "CurrentDirectory": #"C:\Users\alice\"#]),
        (102, ["Image": #"C:\WINDOWS\SYSTEM32\CMD.EXE"#, "CommandLine": "CMD.EXE /C whoami /all", "User": #"corp\ALICE"#]),
        (103, ["Image": #"C:\Windows\SysWOW64\cmd.exe"#, "CommandLine": "cmd /c echo a*b"]),
        (104, ["Image": #"C:\Tools\cmd.exe.bak"#, "CommandLine": "cmd /c echo axb"]),
        // `?` is one character; escaped wildcards; SQL LIKE's own % and _ are plain characters
        (105, ["Image": #"C:\Windows\System32\cmd.exe"#, "CommandLine": "net1 user"]),
        (106, ["CommandLine": "net user"]),
        (107, ["CommandLine": "net12 user"]),
        (108, ["CommandLine": "are you really?"]),
        (109, ["CommandLine": "are you reallyX"]),
        (110, ["CommandLine": "progress 100%"]),
        (111, ["CommandLine": "progress 100 percent"]),
        (112, ["CommandLine": "call a_b"]),
        (113, ["CommandLine": "call axb"]),
        // |all
        (120, ["CommandLine": "powershell -nop -w hidden -enc SQBFAFgA"]),
        (121, ["CommandLine": "powershell -enc SQBFAFgA"]),
        (122, ["CommandLine": "powershell -w HIDDEN -ENC SQBFAFgA"]),
        // |windash: - / and the en dash, em dash and horizontal bar
        (130, ["CommandLine": "powershell -exec bypass -f a.ps1"]),
        (131, ["CommandLine": "powershell /exec bypass"]),
        (132, ["CommandLine": "powershell \u{2013}exec bypass"]),
        (133, ["CommandLine": "powershell \u{2014}exec bypass"]),
        (134, ["CommandLine": "powershell \u{2015}exec bypass"]),
        (135, ["CommandLine": "powershell exec bypass"]),
        (136, ["CommandLine": "powershell +exec bypass"]),
        (137, ["CommandLine": "POWERSHELL /EXEC BYPASS"]),
        // |base64offset|contains 'http://': the URL base64-encoded at offsets 0, 1, 2; then not
        (140, ["CommandLine": "powershell -e aHR0cDovL2EuZXhhbXBsZS94"]),
        (141, ["CommandLine": "powershell -e eGh0dHA6Ly9hLmV4YW1wbGUveA=="]),
        (142, ["CommandLine": "powershell -e eHlodHRwOi8vYS5leGFtcGxlL3g="]),
        (143, ["CommandLine": "powershell -e aHh4cDovL2EuZXhhbXBsZS94"]),
        (144, ["CommandLine": "powershell -e http://a.example/x"]),
        // |re and |re|i
        (170, ["CommandLine": "powershell INVOKE-WebRequest -Uri x"]),
        (171, ["CommandLine": "powershell Invoke-Request x"]),
        (172, ["CommandLine": "powershell Invoke-Web-Request x"]),
        // |fieldref: Image equal to ParentImage
        (180, ["Image": #"C:\Windows\System32\svchost.exe"#, "ParentImage": #"C:\Windows\System32\svchost.exe"#]),
        (181, ["Image": #"C:\Windows\System32\svchost.exe"#, "ParentImage": #"C:\Windows\System32\services.exe"#]),
        // null (absent) and empty: 190 has no CommandLine and no ParentCommandLine, 191 empty ones
        (190, ["Image": #"C:\Windows\System32\cmd.exe"#, "CommandLine": nil, "ParentCommandLine": nil]),
        (191, ["CommandLine": "", "ParentCommandLine": ""]),
        // |cased
        (200, ["CommandLine": "app.exe --key SecretToken"]),
        (201, ["CommandLine": "app.exe --key secrettoken"]),
        (202, ["CommandLine": "app.exe --key SECRETTOKEN"]),
    ]

    /// Network connections (Sysmon 3): |cidr v4 and v6, numeric |gte, and one cmd.exe
    /// connection that process_creation rules must not see.
    static let connections: [(Int, [String: String?])] = [
        (150, ["DestinationIp": "10.1.2.3", "DestinationPort": "443"]),
        (151, ["DestinationIp": "100.1.2.3", "DestinationPort": "49151"]),
        (152, ["DestinationIp": "172.16.0.1", "DestinationPort": "49152"]),
        (153, ["DestinationIp": "172.31.255.254", "DestinationPort": "5000"]),
        (154, ["DestinationIp": "172.32.0.1", "DestinationPort": "65535"]),
        (155, ["DestinationIp": "172.160.0.1", "DestinationPort": "9999"]),
        (156, ["DestinationIp": "2001:db8:0:1::5", "DestinationPort": "50000"]),
        (157, ["DestinationIp": "2001:db9::1", "DestinationPort": "80"]),
        (158, ["DestinationIp": "fe80::1", "DestinationPort": "135"]),
        (159, ["DestinationIp": "febf:ffff::1", "DestinationPort": "445"]),
        (160, ["DestinationIp": "fec0::1", "DestinationPort": "3389"]),
        (161, ["DestinationIp": "192.168.1.5", "DestinationPort": "49153"]),
        (162, ["Image": #"C:\Windows\System32\cmd.exe"#, "DestinationIp": "192.168.1.6", "DestinationPort": "53"]),
    ]

    static var processRecords: Set<Int> { Set(processes.map(\.0)) }
    static var connectionRecords: Set<Int> { Set(connections.map(\.0)) }

    /// Every event as one NDJSON text (serialized by JSONSerialization, so escaping is exact).
    static func ndjson() throws -> String {
        var lines: [String] = []
        for (eventID, events, defaults) in [(1, processes, processDefaults), (3, connections, networkDefaults)] {
            for (record, changes) in events {
                var fields: [String: Any] = [
                    "EventID": eventID, "SourceName": "Microsoft-Windows-Sysmon",
                    "Channel": "Microsoft-Windows-Sysmon/Operational", "Hostname": "WS1.corp.example",
                    "RecordNumber": record, "UtcTime": String(format: "2026-01-01 10:%02d:%02d.000", record / 60, record % 60),
                    "ProcessGuid": String(format: "{d273d0f0-0000-0000-0000-%012d}", record), "ProcessId": String(1000 + record),
                ]
                if eventID == 1 {
                    fields["ParentProcessGuid"] = "{d273d0f0-0000-0000-0000-999999999999}"
                    fields["ParentProcessId"] = "999"
                }
                for (key, value) in defaults { fields[key] = value }
                for (key, value) in changes { fields[key] = value }
                let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
