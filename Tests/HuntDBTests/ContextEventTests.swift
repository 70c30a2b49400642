import XCTest
import HuntDB

/// Context events (logons, service installs) from every dialect, deduplicated, rejected with the
/// field named; and the context they give remote-service alerts, with the near misses.
final class ContextEventTests: XCTestCase {
    typealias F = SecurityFixture
    typealias C = ContextFixture

    private enum Dialect: String, CaseIterable {
        case flat, winlogbeat, evtxJSON, xml, evtx, gzip
    }

    private func write(_ dialect: Dialect, _ events: [SecurityEvent], in scratch: Scratch, name: String? = nil) throws -> String {
        let name = name ?? "context-\(dialect.rawValue)"
        switch dialect {
        case .flat: return try scratch.write(name + ".json", lines: events.map { F.flat($0) })
        case .winlogbeat: return try scratch.write(name + ".json", lines: events.map(F.winlogbeat))
        case .evtxJSON: return try scratch.write(name + ".json", lines: events.map(F.evtxJSON))
        case .xml: return try scratch.write(name + ".xml", text: "<Events>" + events.map(F.xml).joined(separator: "\n") + "</Events>")
        case .evtx:
            let path = scratch.path(name + ".evtx")
            let writer = try EVTXWriter(output: try EVTXFileOutput(path: path))
            for event in events { try writer.append(F.windowsEvent(event)) }
            try writer.finish()
            return path
        case .gzip:
            let text = events.map { F.flat($0) }.joined(separator: "\n") + "\n"
            return try scratch.write(name + ".json.gz", bytes: try GzipFixture.compress(Array(text.utf8)))
        }
    }

    private let contextEvents: [SecurityEvent] = [
        C.logon(record: 30, ms: 1_000),
        C.logon(record: 31, ms: 2_000, user: "bob", from: "10.0.0.7", port: 50200, type: "10"),
        C.logon(record: 32, ms: 3_000, user: "mallory", from: "10.0.0.8", port: 50300, eventID: 4625),
        C.securityServiceInstalled(record: 33, ms: 4_000),
        C.serviceInstalled(record: 34, ms: 4_000),
    ]

    func testEveryDialect_storesTheSameLogonsAndServiceInstalls() throws {
        for dialect in Dialect.allCases {
            let d = dialect.rawValue
            let scratch = try Scratch()
            let (store, report) = try scratch.load([try write(dialect, contextEvents, in: scratch)])
            XCTAssertEqual(report.totals.read, 5, d)
            XCTAssertEqual(report.totals.loaded, 5, "\(d): \(report.sources.first?.firstRejects ?? [])")
            XCTAssertEqual(try store.column("""
                SELECT event_code || '|' || outcome || '|' || logon_type || '|' || user_domain || '\\' || user_name || '|'
                    || coalesce(logon_id, '-') || '|' || source_ip || ':' || source_port || '|' || logon_process || '|' || auth_package
                    || '|' || coalesce(failure_status, '-')
                FROM logons ORDER BY ts_us
                """), [
                    "4624|success|3|CORP\\alice|0x2990d17|10.0.0.5:50123|Kerberos|Kerberos|-",
                    "4624|success|10|CORP\\bob|0x2990d17|10.0.0.7:50200|Kerberos|Kerberos|-",
                    "4625|failure|3|CORP\\mallory|-|10.0.0.8:50300|Kerberos|Kerberos|0xc000006a",
                ], d)
            XCTAssertEqual(try store.column("""
                SELECT event_code || '|' || source_kind || '|' || service_name || '|' || image_path || '|' || start_type || '|' || account
                    || '|' || coalesce(user_name, '-') || '|' || record_key
                FROM service_installs ORDER BY event_code
                """), [
                    "4697|security|Updater|\(C.imagePath)|3|LocalSystem|alice|Security:33",
                    "7045|system|Updater|\(C.imagePath)|demand start|LocalSystem|-|System:34",
                ], d)
            // No process or connection came of them; the host is a host of stats.
            XCTAssertEqual(try store.count("processes") + store.count("network_connections"), 0, d)
        }
    }

    func testEveryDialectTogether_storesEachRecordOnce() throws {
        let scratch = try Scratch()
        let paths = try Dialect.allCases.map { try write($0, contextEvents, in: scratch) }
        let (store, report) = try scratch.load(paths)
        XCTAssertEqual(report.totals.read, 30)
        XCTAssertEqual(report.totals.loaded, 5)
        XCTAssertEqual(report.totals.duplicates, 25)
        XCTAssertEqual(try store.count("logons"), 3)
        XCTAssertEqual(try store.count("service_installs"), 2)
        // The most precise copy's time is kept (flat was loaded first, whole seconds).
        XCTAssertEqual(Set(try store.column("SELECT ts_precision_us FROM logons UNION SELECT ts_precision_us FROM service_installs")), ["1"])
    }

    func testMalformedContextRecords_areRejectedWithTheFieldAndDoNotBlockTheOthers() throws {
        let scratch = try Scratch()
        var badType = C.logon(record: 40, ms: 600_100)
        badType.data = badType.data.map { $0.0 == "LogonType" ? ("LogonType", "network") : $0 }
        var badAddress = C.logon(record: 41, ms: 600_120)
        badAddress.data = badAddress.data.map { $0.0 == "IpAddress" ? ("IpAddress", "10.0.0.999") : $0 }
        var noName = C.serviceInstalled(record: 42, ms: 600_130)
        noName.data = noName.data.filter { $0.0 != "ServiceName" }
        var noUser = C.logon(record: 43, ms: 600_140)
        noUser.data = noUser.data.filter { $0.0 != "TargetUserName" }
        let events = F.lateralMovement + [badType, badAddress, noName, noUser]
        let path = try write(.flat, events, in: scratch)
        let (store, report) = try scratch.load([path])
        XCTAssertEqual(report.totals.read, 14)
        XCTAssertEqual(report.totals.rejected, 4)
        XCTAssertEqual(report.totals.loaded + report.totals.duplicates + report.totals.notRelevant + report.totals.rejected, 14)
        let reasons = report.sources.first?.firstRejects.map { "\($0.record): \($0.reason)" } ?? []
        XCTAssertEqual(reasons, [
            #"11: LogonType "network" is not a logon type number"#,
            #"12: IpAddress "10.0.0.999" is not an IP address"#,
            "13: the 7045 event has no ServiceName: it cannot be a service install",
            "14: the 4624 event has no TargetUserName: it cannot be a logon",
        ])
        XCTAssertEqual(report.sources.first?.firstRejects.first?.path, path)
        // The process and network events of the same file are all there, and the alert fires.
        XCTAssertEqual(try store.count("processes"), 3)
        XCTAssertEqual(try DetectionHarness(store: store).alerts("remote_service_rpc").count, 1)
    }

    func testSysmonRegistrySetOfAServiceImagePath_isAServiceInstall() throws {
        func registrySet(_ record: Int, _ target: String, _ details: String) -> String {
            #"{"EventID":13,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"WS9.corp.example","RecordNumber":\#(record),"UtcTime":"2026-11-01 10:10:00.500","EventType":"SetValue","ProcessGuid":"{d273d0f0-e865-5f64-0b00-000000000800}","ProcessId":"704","Image":"C:\\Windows\\system32\\services.exe","TargetObject":"\#(target)","Details":"\#(details)"}"#
        }
        let scratch = try Scratch()
        let path = try scratch.write("sysmon13.json", lines: [
            registrySet(1, #"HKLM\\System\\CurrentControlSet\\Services\\Updater\\ImagePath"#, #"%%COMSPEC%% /C start /b x.exe"#),
            registrySet(2, #"HKLM\\System\\CurrentControlSet\\Services\\Updater\\Start"#, "DWORD (0x00000003)"),
            registrySet(3, #"HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x"#, "c:\\\\x.exe"),
            registrySet(4, #"HKLM\\SYSTEM\\ControlSet001\\services\\Other\\imagepath"#, #"\"C:\\Program Files\\o.exe\""#),
        ])
        let (store, report) = try scratch.load([path])
        XCTAssertEqual(report.totals.loaded, 2)
        XCTAssertEqual(report.totals.notRelevant, 2)
        XCTAssertEqual(try store.column("SELECT service_name || '|' || image_path || '|' || source_kind || '|' || event_code || '|' || executable FROM service_installs ORDER BY source_record"), [
            #"Updater|%COMSPEC% /C start /b x.exe|sysmon|13|C:\Windows\system32\services.exe"#,
            #"Other|"C:\Program Files\o.exe"|sysmon|13|C:\Windows\system32\services.exe"#,
        ])
    }

    func testCommandKey_comparesTheWayWindowsRunsIt() {
        let key = WindowsCommandKey.key
        XCTAssertEqual(key("%COMSPEC% /C start /b x.exe"), key(#"C:\windows\system32\cmd.exe /C start /b x.exe"#))
        XCTAssertEqual(key("%%ComSpec%% /C start /b x.exe"), key(#"C:\Windows\System32\CMD.EXE /c start /b x.exe"#))
        XCTAssertEqual(key(#""C:\Program Files\A\b.exe" -k  x"#), key(#"c:\program files\a\B.exe -k x"#))
        XCTAssertEqual(key(#""%ProgramFiles%\A\b.exe""#), key(#"C:\Program Files\A\b.exe"#))
        XCTAssertEqual(key(#"\SystemRoot\System32\drivers\x.sys"#), key(#"C:\Windows\System32\drivers\x.sys"#))
        XCTAssertEqual(key(#"System32\drivers\x.sys"#), key(#"%windir%\system32\drivers\x.sys"#))
        XCTAssertEqual(key(#"\??\C:\x\y.sys"#), key(#"c:\x\y.sys"#))
        XCTAssertNotEqual(key("%COMSPEC% /C start /b x.exe"), key(#"C:\windows\system32\cmd.exe /C start /b y.exe"#))
        XCTAssertEqual(key("%UNKNOWN%\\x.exe"), "%unknown%\\x.exe")
        XCTAssertEqual(key("100% sure"), "100% sure")
    }

    // MARK: The alert context

    private func context(_ events: [SecurityEvent]) throws -> Alert {
        let scratch = try Scratch()
        let (store, report) = try scratch.load([try write(.xml, events, in: scratch)])
        XCTAssertEqual(report.totals.rejected, 0, "\(report.sources.first?.firstRejects ?? [])")
        let alerts = try DetectionHarness(store: store).alerts("remote_service_rpc")
        XCTAssertEqual(alerts.count, 1)
        return try XCTUnwrap(alerts.first)
    }

    func testRemoteServiceAlert_carriesWhoWhatAndFromWhere() throws {
        let alert = try context(C.story())
        XCTAssertEqual(alert.text("logon_user"), "alice")
        XCTAssertEqual(alert.text("logon_domain"), "CORP")
        XCTAssertEqual(alert.text("logon_id"), "0x2990d17")
        XCTAssertEqual(alert.integer("logon_type"), 3)
        XCTAssertEqual(alert.text("logon_time"), Timestamp.iso8601(micros: F.at(600_150)))
        XCTAssertEqual(alert.text("service_name"), "Updater")
        XCTAssertEqual(alert.text("service_image"), C.imagePath)
        XCTAssertEqual(alert.text("service_time"), Timestamp.iso8601(micros: F.at(600_500)))
        XCTAssertEqual(alert.text("source_host"), C.source)
        XCTAssertEqual(alert.text("source_executable"), #"C:\windows\system32\windowspowershell\v1.0\powershell.exe"#)
        XCTAssertEqual(alert.text("source_command_line"), "powershell -c Invoke-PsExec -Target ws9")
        XCTAssertEqual(alert.integer("clock_offset_ms"), 2_700)
        XCTAssertTrue(alert.text("source_entity_id")?.hasPrefix("security:ws5.corp.example:153:") ?? false, "\(alert["source_entity_id"])")
        // The rule's own columns are unchanged.
        XCTAssertEqual(alert.integer("source_port"), 50123)
        XCTAssertEqual(alert.text("child_executable"), #"C:\Windows\System32\cmd.exe"#)
    }

    func testNearMisses_leaveTheirColumnsNull() throws {
        // A logon from another address.
        var alert = try context(C.story(logon: C.logon(record: 20, ms: 600_150, from: "10.0.0.7")))
        XCTAssertNil(alert.text("logon_user"))
        XCTAssertEqual(alert.text("service_name"), "Updater")
        // A logon eleven minutes before the connection.
        alert = try context(C.story(logon: C.logon(record: 20, ms: 600_200 - 660_000)))
        XCTAssertNil(alert.text("logon_user"))
        // A failed logon from the address.
        alert = try context(C.story(logon: C.logon(record: 20, ms: 600_150, eventID: 4625)))
        XCTAssertNil(alert.text("logon_user"))
        // The service installed on another host.
        alert = try context(C.story(service: C.serviceInstalled(record: 21, ms: 600_500, host: "WS7.corp.example")))
        XCTAssertNil(alert.text("service_name"))
        XCTAssertEqual(alert.text("logon_user"), "alice")
        // The service installed an hour earlier.
        alert = try context(C.story(service: C.serviceInstalled(record: 21, ms: 600_500 - 3_600_000)))
        XCTAssertNil(alert.text("service_name"))
        // A service whose image path is another command.
        alert = try context(C.story(service: C.serviceInstalled(record: 21, ms: 600_500, image: "%COMSPEC% /C start /b other.exe")))
        XCTAssertNil(alert.text("service_name"))
        // The source connection with other ports.
        alert = try context(C.story(source: C.sourceSide(sourcePort: 50999)))
        XCTAssertNil(alert.text("source_host"))
        XCTAssertNil(alert.text("source_command_line"))
        XCTAssertNil(alert.integer("clock_offset_ms"))
        XCTAssertEqual(alert.text("logon_user"), "alice")
    }

    func testNoContext_leavesTheColumnsNullAndTheRestEqual() throws {
        let scratch = try Scratch()
        let (store, _) = try scratch.load([try write(.xml, C.story(), in: scratch)])
        var options = DetectionOptions()
        options.alertContext = false
        let plain = try XCTUnwrap(try DetectionHarness(store: store).alerts("remote_service_rpc", options: options).first)
        let enriched = try XCTUnwrap(try DetectionHarness(store: store).alerts("remote_service_rpc").first)
        XCTAssertNil(plain.text("logon_user"))
        let rule = try XCTUnwrap(try RuleCatalog.builtIn().rules.first { $0.id == "remote_service_rpc" })
        let own = rule.queryColumns.filter { !$0.hidden }.map(\.name)
        XCTAssertEqual(plain.row(own), enriched.row(own))
        XCTAssertEqual(Array(rule.alertKeys.suffix(14)), AlertContextKind.remoteService.columns.map(\.name))
    }

    // MARK: The source process's command line from PowerShell 4103 (its start not recorded)

    private let hostApplication = #"C:\windows\System32\WindowsPowerShell\v1.0\powershell.exe -noP -sta -w 1 -enc SQBmACgA"#

    func testPowerShell4103_everyDialectStoresTheHostApplicationByPid() throws {
        for dialect in Dialect.allCases where dialect != .evtx {  // the EVTX test writer has no System/Execution
            let d = dialect.rawValue
            let scratch = try Scratch()
            let events = [C.powerShellPipeline(record: 40, ms: 590_000, pid: 0x99, commandLine: hostApplication)]
            let (store, report) = try scratch.load([try write(dialect, events, in: scratch)])
            XCTAssertEqual(report.totals.loaded, 1, "\(d): \(report.sources.first?.firstRejects ?? [])")
            XCTAssertEqual(try store.column("""
                SELECT event_code || '|' || source_kind || '|' || pid || '|' || command_line || '|' || user_domain || '\\' || user_name
                    || '|' || record_key
                FROM command_line_evidence
                """), ["4103|powershell|153|\(hostApplication)|CORP\\alice|Microsoft-Windows-PowerShell/Operational:40"], d)
        }
    }

    func testPowerShell4103WithoutHostApplicationOrPid_isRejectedWithTheField() throws {
        var noPid = C.powerShellPipeline(record: 41, ms: 590_000, pid: 0, commandLine: hostApplication)
        noPid.executionPID = 0
        var noInfo = C.powerShellPipeline(record: 42, ms: 590_000, pid: 0x99, commandLine: hostApplication)
        noInfo.data = [("Payload", "x")]
        let good = C.powerShellPipeline(record: 43, ms: 590_000, pid: 0x99, commandLine: hostApplication)
        let scratch = try Scratch()
        let (store, report) = try scratch.load([try write(.flat, [noPid, noInfo, good], in: scratch)])
        XCTAssertEqual(report.totals.read, 3)
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.totals.rejected, 2)
        let rejects = (report.sources.first?.firstRejects ?? []).map { "\($0.record): \($0.reason)" }.joined(separator: "\n")
        XCTAssertTrue(rejects.contains("Execution ProcessID"), rejects)
        XCTAssertTrue(rejects.contains("ContextInfo"), rejects)
        XCTAssertEqual(try store.count("command_line_evidence"), 1)
    }

    /// WS5's connection without the start of its PowerShell (pid 0x99), and what WS5's
    /// PowerShell log says of pid `pid` at `ms`.
    private func storyWithoutSourceStart(evidence: [SecurityEvent]) -> [SecurityEvent] {
        C.story(source: Array(C.sourceSide().dropFirst())) + evidence
    }

    func testSourceStartedBeforeTheRecording_commandLineFromPowerShellEvidence() throws {
        let alert = try context(storyWithoutSourceStart(evidence: [
            C.powerShellPipeline(record: 40, ms: 590_000, pid: 0x99, commandLine: hostApplication),
            C.powerShellPipeline(record: 41, ms: 400_000, pid: 0x99, commandLine: "powershell.exe -File old.ps1"),
        ]))
        XCTAssertEqual(alert.text("source_host"), C.source)
        XCTAssertEqual(alert.text("source_command_line"), hostApplication)  // the closer of the two
    }

    func testEvidenceNearMisses_leaveTheCommandLineNull() throws {
        // Another pid on the source host.
        var alert = try context(storyWithoutSourceStart(evidence: [
            C.powerShellPipeline(record: 40, ms: 590_000, pid: 0x98, commandLine: hostApplication)]))
        XCTAssertEqual(alert.text("source_host"), C.source)
        XCTAssertNil(alert.text("source_command_line"))
        // The same pid on another host (the target).
        alert = try context(storyWithoutSourceStart(evidence: [
            C.powerShellPipeline(record: 40, ms: 590_000, pid: 0x99, commandLine: hostApplication, host: F.host)]))
        XCTAssertNil(alert.text("source_command_line"))
        // The same pid on the source host two hours earlier (pid reuse).
        alert = try context(storyWithoutSourceStart(evidence: [
            C.powerShellPipeline(record: 40, ms: 600_000 - 7_200_000, pid: 0x99, commandLine: hostApplication)]))
        XCTAssertNil(alert.text("source_command_line"))
        // The process start, when recorded, wins over the evidence.
        alert = try context(C.story() + [C.powerShellPipeline(record: 40, ms: 590_000, pid: 0x99, commandLine: hostApplication)])
        XCTAssertEqual(alert.text("source_command_line"), "powershell -c Invoke-PsExec -Target ws9")
    }
}
