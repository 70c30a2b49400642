import HuntDB

/// Context events for tests (Security 4624 / 4625 / 4697, System 7045), rendered into every
/// dialect by `SecurityFixture`, and the source side of `SecurityFixture.lateralMovement`: WS5
/// (clock 2.7 s ahead) whose PowerShell connects to services.exe on WS9.
enum ContextFixture {
    static let source = "WS5.corp.example"

    static func logon(record: Int, ms: Int, user: String = "alice", from address: String = "10.0.0.5", port: Int = 50123,
                      type: String = "3", eventID: Int = 4624, host: String = SecurityFixture.host) -> SecurityEvent {
        var data: [(String, String)] = [
            ("SubjectUserSid", "S-1-0-0"), ("SubjectUserName", "-"), ("SubjectDomainName", "-"), ("SubjectLogonId", "0x0"),
            ("TargetUserSid", "S-1-5-21-1-2-3-1104"), ("TargetUserName", user), ("TargetDomainName", "CORP"),
        ]
        if eventID == 4624 { data.append(("TargetLogonId", "0x2990D17")) }
        data += [("LogonType", type), ("LogonProcessName", "Kerberos"), ("AuthenticationPackageName", "Kerberos"),
                 ("WorkstationName", "-"), ("ProcessId", "0x0"), ("ProcessName", "-"), ("IpAddress", address), ("IpPort", String(port))]
        if eventID == 4625 { data += [("Status", "0xc000006d"), ("SubStatus", "0xc000006a")] }
        return SecurityEvent(eventID: eventID, record: record, micros: SecurityFixture.at(ms), host: host, data: data)
    }

    static let imagePath = #"%COMSPEC% /C start /b powershell -noP -enc SQBmAA=="#

    /// System 7045 (Service Control Manager).
    static func serviceInstalled(record: Int, ms: Int, name: String = "Updater", image: String = imagePath,
                                 host: String = SecurityFixture.host) -> SecurityEvent {
        SecurityEvent(eventID: 7045, record: record, micros: SecurityFixture.at(ms), host: host, channel: "System", data: [
            ("ServiceName", name), ("ImagePath", image), ("ServiceType", "user mode service"), ("StartType", "demand start"),
            ("AccountName", "LocalSystem"),
        ], provider: "Service Control Manager")
    }

    /// Security 4697.
    static func securityServiceInstalled(record: Int, ms: Int, name: String = "Updater", image: String = imagePath) -> SecurityEvent {
        SecurityEvent(eventID: 4697, record: record, micros: SecurityFixture.at(ms), data: [
            ("SubjectUserSid", "S-1-5-21-1-2-3-1104"), ("SubjectUserName", "alice"), ("SubjectDomainName", "CORP"),
            ("SubjectLogonId", "0x2990D17"), ("ServiceName", name), ("ServiceFileName", image), ("ServiceType", "0x10"),
            ("ServiceStartType", "3"), ("ServiceAccount", "LocalSystem"),
        ])
    }

    /// PowerShell 4103 (Microsoft-Windows-PowerShell/Operational) written by the PowerShell host
    /// `pid`: its ContextInfo names the host's command line.
    static func powerShellPipeline(record: Int, ms: Int, pid: Int, commandLine: String, host: String = source) -> SecurityEvent {
        let info = "        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Version = 5.1.18362.752\r\n"
            + "        Host ID = 1c1cb5c9-d305-49c1-9d7f-e864a6237819\r\n        Host Application = \(commandLine)\r\n"
            + "        Engine Version = 5.1.18362.752\r\n        Runspace ID = 5d2f7d4c-3b0e-4a55-8d8a-0c1f6c1e2b11\r\n"
            + "        Pipeline ID = 12\r\n        Command Name = Start-Sleep\r\n        User = CORP\\alice\r\n"
        return SecurityEvent(eventID: 4103, record: record, micros: SecurityFixture.at(ms), host: host,
                             channel: "Microsoft-Windows-PowerShell/Operational",
                             data: [("ContextInfo", info), ("UserData", ""), ("Payload", "CommandInvocation(Start-Sleep): \"Start-Sleep\"")],
                             provider: "Microsoft-Windows-PowerShell", executionPID: pid)
    }

    /// WS5's PowerShell (pid 0x99, started at +500 s) and its outgoing connection to WS9's
    /// services.exe, stamped by WS5's clock 2.7 s after WS9 saw it (+600.2 s).
    static func sourceSide(sourcePort: Int = 50123) -> [SecurityEvent] {
        [
            SecurityFixture.processStart(record: 1, ms: 500_000, pid: 0x99, creator: "0x1f0",
                                         image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#,
                                         parentImage: #"C:\Windows\explorer.exe"#, commandLine: "powershell -c Invoke-PsExec -Target ws9",
                                         host: source),
            SecurityFixture.connection(record: 2, ms: 602_900, pid: 0x99,
                                       application: #"\device\harddiskvolume2\windows\system32\windowspowershell\v1.0\powershell.exe"#,
                                       direction: "%%14593", source: ("10.0.0.5", sourcePort), destination: ("10.0.0.9", 49726),
                                       host: source),
        ]
    }

    /// The whole story on WS9 and WS5: the lateral movement, alice's network logon from
    /// 10.0.0.5:50123 at +600.15 s, service Updater installed at +600.5 s, WS5's side.
    static func story(logon: SecurityEvent = logon(record: 20, ms: 600_150),
                      service: SecurityEvent = serviceInstalled(record: 21, ms: 600_500),
                      source: [SecurityEvent] = sourceSide()) -> [SecurityEvent] {
        SecurityFixture.lateralMovement + [logon, service] + source
    }
}
