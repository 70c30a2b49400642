import Foundation
import XCTest

/// The alert context end to end with the real `hunt` binary on small flat NXLog files: a chain
/// WS5 → WS6 → WS7 (Sysmon), logons and service installs (Security, System), a domain
/// controller with only logons, and a context record that is malformed.
final class AlertContextCLITests: XCTestCase {
    private static func sysmon(_ id: Int, host: String, record: Int, time: String, _ fields: String) -> String {
        #"{"EventID":\#(id),"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"2026-11-01 \#(time)",\#(fields)}"#
    }

    private static func process(host: String, record: Int, time: String, guid: String, image: String, commandLine: String,
                                parentGUID: String, parentImage: String) -> String {
        sysmon(1, host: host, record: record, time: time,
               #""ProcessGuid":"\#(guid)","ProcessId":"\#(record + 100)","Image":"\#(image)","CommandLine":"\#(commandLine)","User":"CORP\\alice","ParentProcessGuid":"\#(parentGUID)","ParentImage":"\#(parentImage)""#)
    }

    private static func connection(host: String, record: Int, time: String, guid: String, image: String, initiated: Bool,
                                   source: (String, Int), destination: (String, Int)) -> String {
        sysmon(3, host: host, record: record, time: time,
               #""ProcessGuid":"\#(guid)","ProcessId":"\#(record + 100)","Image":"\#(image)","Protocol":"tcp","Initiated":"\#(initiated)","SourceIp":"\#(source.0)","SourcePort":"\#(source.1)","DestinationIp":"\#(destination.0)","DestinationPort":"\#(destination.1)""#)
    }

    /// NXLog's flat Security / System record; EventTime local (UTC here, the collector's times agree).
    private static func windows(_ id: Int, host: String, record: Int, time: String, _ fields: String) -> String {
        let system = id == 7045
        return #"{"EventID":\#(id),"SourceName":"\#(system ? "Service Control Manager" : "Microsoft-Windows-Security-Auditing")","Channel":"\#(system ? "System" : "Security")","Hostname":"\#(host)","RecordNumber":\#(record),"EventTime":"2026-11-01 \#(time)","EventReceivedTime":"2026-11-01 \#(time)","@timestamp":"2026-11-01T\#(time).500Z",\#(fields)}"#
    }

    private static func logon(host: String, record: Int, time: String, user: String, from: String, port: Int, type: String = "3") -> String {
        windows(4624, host: host, record: record, time: time,
                #""TargetUserName":"\#(user)","TargetDomainName":"CORP","TargetLogonId":"0x1A2B","LogonType":"\#(type)","LogonProcessName":"NtLmSsp ","AuthenticationPackageName":"NTLM","WorkstationName":"WS5","IpAddress":"\#(from)","IpPort":"\#(port)","ProcessId":"0x0","ProcessName":"-""#)
    }

    private static func service(host: String, record: Int, time: String, name: String, image: String) -> String {
        windows(7045, host: host, record: record, time: time,
                #""ServiceName":"\#(name)","ImagePath":"\#(image)","ServiceType":"user mode service","StartType":"demand start","AccountName":"LocalSystem""#)
    }

    static let ws5 = "WS5.corp.example", ws6 = "WS6.corp.example", ws7 = "WS7.corp.example", dc = "DC1.corp.example"
    static let services = #"C:\\Windows\\System32\\services.exe"#
    static let cmd = #"C:\\Windows\\System32\\cmd.exe"#
    static let powershell = #"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"#

    /// WS5's PowerShell (clock 2.5 s ahead) starts services on WS6; WS6's payload PowerShell
    /// (a child of the service's cmd.exe) starts one on WS7 a minute later.
    static var lines: [String] {
        [
            process(host: ws5, record: 1, time: "10:00:00.000", guid: "{55555555-0000-0000-0000-000000000001}", image: powershell,
                    commandLine: "powershell -c Invoke-PsExec ws6", parentGUID: "{55555555-0000-0000-0000-000000000000}",
                    parentImage: #"C:\\Windows\\explorer.exe"#),
            connection(host: ws5, record: 2, time: "10:10:02.700", guid: "{55555555-0000-0000-0000-000000000001}", image: powershell,
                       initiated: true, source: ("10.0.0.5", 50123), destination: ("10.0.0.6", 49726)),
            logon(host: ws6, record: 1, time: "10:10:00", user: "alice", from: "10.0.0.5", port: 50123),
            connection(host: ws6, record: 2, time: "10:10:00.200", guid: "{66666666-0000-0000-0000-0000000000aa}", image: services,
                       initiated: false, source: ("10.0.0.5", 50123), destination: ("10.0.0.6", 49726)),
            service(host: ws6, record: 3, time: "10:10:00", name: "Updater", image: #"%COMSPEC% /C start /b powershell -enc AAA"#),
            process(host: ws6, record: 4, time: "10:10:00.600", guid: "{66666666-0000-0000-0000-000000000001}", image: cmd,
                    commandLine: #"C:\\Windows\\system32\\cmd.exe /C start /b powershell -enc AAA"#,
                    parentGUID: "{66666666-0000-0000-0000-0000000000aa}", parentImage: services),
            process(host: ws6, record: 5, time: "10:10:00.700", guid: "{66666666-0000-0000-0000-000000000002}", image: powershell,
                    commandLine: "powershell -enc AAA", parentGUID: "{66666666-0000-0000-0000-000000000001}", parentImage: cmd),
            connection(host: ws6, record: 6, time: "10:11:00.000", guid: "{66666666-0000-0000-0000-000000000002}", image: powershell,
                       initiated: true, source: ("10.0.0.6", 50200), destination: ("10.0.0.7", 49730)),
            logon(host: ws7, record: 1, time: "10:11:00", user: "alice", from: "10.0.0.6", port: 50200),
            connection(host: ws7, record: 2, time: "10:11:00.100", guid: "{77777777-0000-0000-0000-0000000000aa}", image: services,
                       initiated: false, source: ("10.0.0.6", 50200), destination: ("10.0.0.7", 49730)),
            process(host: ws7, record: 3, time: "10:11:00.500", guid: "{77777777-0000-0000-0000-000000000001}", image: cmd,
                    commandLine: #"C:\\Windows\\system32\\cmd.exe /C whoami"#,
                    parentGUID: "{77777777-0000-0000-0000-0000000000aa}", parentImage: services),
            // A domain controller with only Security logons.
            logon(host: dc, record: 1, time: "10:09:59", user: "alice", from: "10.0.0.5", port: 50100),
            logon(host: dc, record: 2, time: "10:10:59", user: "alice", from: "10.0.0.6", port: 50190),
        ]
    }

    private func database(_ extra: [String] = []) throws -> (TemporaryDirectory, String, HuntProcess.Result) {
        let dir = try TemporaryDirectory()
        let input = try dir.write("case.json", (Self.lines + extra).joined(separator: "\n") + "\n")
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, input])
        return (dir, db, load)
    }

    private func ndjson(_ result: HuntProcess.Result) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func testDetect_everyHopCarriesItsContext() throws {
        let (dir, db, load) = try database()
        defer { withExtendedLifetime(dir) {} }
        XCTAssertEqual(load.status, 0, load.stderr)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "ndjson"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try ndjson(detect)
        XCTAssertEqual(alerts.map { $0["host"] as? String }, [Self.ws6, Self.ws7])
        guard alerts.count == 2 else { return }
        let first = alerts[0], second = alerts[1]
        XCTAssertEqual(first["logon_user"] as? String, "alice")
        XCTAssertEqual(first["logon_time"] as? String, "2026-11-01T10:10:00.000Z")
        XCTAssertEqual(first["service_name"] as? String, "Updater")
        XCTAssertEqual(first["service_image"] as? String, "%COMSPEC% /C start /b powershell -enc AAA")
        XCTAssertEqual(first["source_host"] as? String, Self.ws5)
        XCTAssertEqual(first["source_command_line"] as? String, "powershell -c Invoke-PsExec ws6")
        XCTAssertEqual(first["clock_offset_ms"] as? Int, 2_500)
        // WS7: the logon and the source (WS6's payload) are there, no service was installed.
        XCTAssertEqual(second["logon_user"] as? String, "alice")
        XCTAssertTrue(second["service_name"] is NSNull)
        XCTAssertEqual(second["source_host"] as? String, Self.ws6)
        XCTAssertEqual(second["source_command_line"] as? String, "powershell -enc AAA")
        XCTAssertEqual(second["clock_offset_ms"] as? Int, -100)

        // --no-context: the same alerts, the context columns null.
        let plain = try ndjson(try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "ndjson", "--no-context"]))
        XCTAssertEqual(plain.count, 2)
        guard plain.count == 2 else { return }
        XCTAssertTrue(plain[0]["logon_user"] is NSNull)
        XCTAssertEqual(plain[0]["child_command_line"] as? String, first["child_command_line"] as? String)
    }

    /// The Sigma forms of the remote-service rules (`--sigma builtin`) carry the same context
    /// columns as the native rules; the process's own LogonId is `process_logon_id` there.
    func testSigmaForms_carryTheSameContext() throws {
        let (dir, db, load) = try database()
        defer { withExtendedLifetime(dir) {} }
        XCTAssertEqual(load.status, 0, load.stderr)
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--format", "ndjson"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try ndjson(detect)
        let network = alerts.filter { $0["rule_id"] as? String == "71ce7516-4fe3-4497-b85c-9212ec62da15" }
        XCTAssertEqual(network.map { $0["host"] as? String }, [Self.ws6, Self.ws7])
        let ws6 = try XCTUnwrap(network.first)
        XCTAssertEqual(ws6["logon_user"] as? String, "alice")
        XCTAssertEqual(ws6["logon_id"] as? String, "0x1a2b")
        XCTAssertEqual(ws6["source_host"] as? String, Self.ws5)
        XCTAssertEqual(ws6["source_command_line"] as? String, "powershell -c Invoke-PsExec ws6")
        XCTAssertEqual(ws6["clock_offset_ms"] as? Int, 2_500)
        // A connection alert has no child, so no service; the hidden time column stays hidden.
        XCTAssertTrue(ws6["service_name"] is NSNull)
        XCTAssertNil(ws6["network_time"])

        let processes = alerts.filter { $0["rule_id"] as? String == "3f46963a-73b4-4844-a243-d673157d218a" }
        let cmd = try XCTUnwrap(processes.first { $0["host"] as? String == Self.ws6 && ($0["executable"] as? String ?? "").hasSuffix("cmd.exe") },
                                "\(processes)")
        XCTAssertEqual(cmd["service_name"] as? String, "Updater")
        XCTAssertEqual(cmd["service_image"] as? String, "%COMSPEC% /C start /b powershell -enc AAA")
        XCTAssertEqual(cmd["logon_user"] as? String, "alice")
        XCTAssertEqual(cmd["logon_id"] as? String, "0x1a2b")
        // Without a connection the source is found through the logon's address and port.
        XCTAssertEqual(cmd["source_host"] as? String, Self.ws5)
        XCTAssertTrue(cmd.keys.contains("process_logon_id"), "\(cmd.keys.sorted())")
        XCTAssertNil(cmd["process_time"])

        // --no-context: the same alerts with the context columns null.
        let plain = try ndjson(try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--format", "ndjson", "--no-context"]))
        XCTAssertEqual(plain.count, alerts.count)
        XCTAssertTrue(plain.filter { $0["rule_id"] as? String == "71ce7516-4fe3-4497-b85c-9212ec62da15" }.allSatisfy { $0["logon_user"] is NSNull })
    }

    func testStatsAndCoverage_showTheHostWithOnlyLogons() throws {
        let (dir, db, _) = try database()
        defer { withExtendedLifetime(dir) {} }
        let stats = try HuntProcess.run(["stats", "hosts", "--db", db, "--format", "csv"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertTrue(stats.stdout.contains("\(Self.dc),0,0,2,0,2,"), stats.stdout)
        XCTAssertTrue(stats.stdout.contains("\(Self.ws6),2,2,1,1,6,"), stats.stdout)
        let coverage = try HuntProcess.run(["coverage", "--db", db, "--format", "csv"])
        XCTAssertEqual(coverage.status, 0, coverage.stderr)
        let dcRow = try XCTUnwrap(coverage.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix(Self.dc) }, coverage.stdout)
        XCTAssertTrue(dcRow.contains("no process start events"), String(dcRow))
        XCTAssertTrue(dcRow.contains("no service install events"), String(dcRow))
        let ws7Row = try XCTUnwrap(coverage.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix(Self.ws7) })
        XCTAssertTrue(ws7Row.contains("all rules can fire; no service install events"), String(ws7Row))
        XCTAssertTrue(ws7Row.contains("lack that context"), String(ws7Row))
    }

    func testHunts_logonsServicesAndTheChain() throws {
        let (dir, db, _) = try database()
        defer { withExtendedLifetime(dir) {} }
        let logons = try ndjson(try HuntProcess.run(["query", "run", "network_logons", "--db", db, "--param", "source_ip=10.0.0.5", "--format", "ndjson"]))
        XCTAssertEqual(logons.map { $0["host"] as? String }, [Self.dc, Self.ws6])
        XCTAssertEqual(logons.first?["logon_process"] as? String, "NtLmSsp")
        let alice = try ndjson(try HuntProcess.run(["query", "run", "network_logons", "--db", db, "--param", "user=ALICE", "--host", "dc1", "--format", "ndjson"]))
        XCTAssertEqual(alice.count, 2)
        let services = try ndjson(try HuntProcess.run(["query", "run", "services_installed", "--db", db, "--format", "ndjson"]))
        XCTAssertEqual(services.map { $0["service_name"] as? String }, ["Updater"])
        XCTAssertEqual(services.first?["event_code"] as? Int, 7045)
        let chain = try ndjson(try HuntProcess.run(["query", "run", "lateral_chain", "--db", db, "--format", "ndjson"]))
        XCTAssertEqual(chain.map { $0["chain"] as? Int }, [1, 1])
        XCTAssertEqual(chain.map { $0["hop"] as? Int }, [1, 2])
        XCTAssertEqual(chain.map { "\($0["source_host"] ?? "") > \($0["target_host"] ?? "")" }, ["\(Self.ws5) > \(Self.ws6)", "\(Self.ws6) > \(Self.ws7)"])
        XCTAssertEqual(chain.map { $0["clock_offset_ms"] as? Int }, [2_500, -100])
        XCTAssertEqual(chain.last?["source_command_line"] as? String, "powershell -enc AAA")
        // A range after the first hop starts the chain at WS6.
        let later = try ndjson(try HuntProcess.run(["query", "run", "lateral_chain", "--db", db, "--since", "2026-11-01T10:10:30Z", "--format", "ndjson"]))
        XCTAssertEqual(later.map { $0["target_host"] as? String }, [Self.ws7])
    }

    func testMalformedContextRecord_isNamedAndTheRestLoads() throws {
        let bad = Self.windows(4624, host: Self.ws6, record: 9, time: "10:09:00", #""TargetUserName":"eve","LogonType":"3","IpAddress":"10.0.0.5","IpPort":"port""#)
        let (dir, db, load) = try database([bad])
        XCTAssertTrue(load.stderr.contains("case.json"), load.stderr)
        XCTAssertTrue(load.stderr.contains("line 14"), load.stderr)
        XCTAssertTrue(load.stderr.contains(#"IpPort "port" is not a port number"#), load.stderr)
        XCTAssertTrue(load.stderr.contains("read 14 = loaded 13 + duplicates 0 + not relevant 0 + rejected 1"), load.stderr)
        // Loading the file again: every record a duplicate, the bad one rejected again.
        let again = try HuntProcess.run(["load", "--db", db, dir.path("case.json")])
        XCTAssertTrue(again.stderr.contains("read 14 = loaded 0 + duplicates 13 + not relevant 0 + rejected 1"), again.stderr)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "ndjson"])
        XCTAssertEqual(try ndjson(detect).count, 2)
    }
}
