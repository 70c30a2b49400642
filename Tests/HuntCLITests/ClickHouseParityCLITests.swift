import Foundation
import XCTest

/// What ClickHouse stores and shows against SQLite on the same input (issue 15): a record id
/// of 32 hex digits (an ECS `event.id`) is a record id, not a content hash (c0004 records the
/// kind of every record key), and
/// PowerShell 4103 command-line evidence gives the alert context's `source_command_line`
/// (c0005). On one server and on two shards; an older database upgrades in place.
final class ClickHouseParityCLITests: XCTestCase {
    /// An ECS process start on WS1; `id` nil for a record without an event.id (a content hash).
    private static func ecsProcess(id: String?, time: String, commandLine: String) -> String {
        let event = id.map { #""id":"\#($0)","# } ?? ""
        return #"{"@timestamp":"2026-11-01T10:00:\#(time)Z","event":{\#(event)"category":["process"],"type":["start"]},"host":{"name":"WS1"},"process":{"entity_id":"E\#(time)","pid":42,"executable":"C:\\Windows\\System32\\cmd.exe","command_line":"\#(commandLine)"}}"#
    }

    static let hexID = "0123456789abcdef0123456789abcdef"

    /// One event with a 32-hex-digit event.id, one with another id, one without.
    static let ecsLines = [
        ecsProcess(id: hexID, time: "01.000", commandLine: "cmd.exe /c whoami"),
        ecsProcess(id: "e-2", time: "02.000", commandLine: "cmd.exe /c hostname"),
        ecsProcess(id: nil, time: "03.000", commandLine: "cmd.exe /c ver"),
    ]

    private static let rule = """
        title: cmd children
        id: 6f0f6e7a-1b2c-4d5e-8f90-a1b2c3d4e5f6
        level: medium
        logsource:
            product: windows
            category: process_creation
        detection:
            sel:
                Image|endswith: '\\cmd.exe'
            condition: sel
        """

    /// `hunt detect --sigma` alerts as sorted JSON lines.
    private func sigmaAlerts(_ db: String, rules: String) throws -> [String] {
        let result = try HuntProcess.run(["detect", "--db", db, "--sigma", rules, "--format", "ndjson", "--no-default-allowlist"])
        XCTAssertEqual(result.status, 2, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// The record ids of the alerts, by command line.
    private func recordIDs(_ alerts: [String]) throws -> [String: String] {
        var ids: [String: String] = [:]
        for line in alerts {
            let alert = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let commandLine = try XCTUnwrap(alert["command_line"] as? String, line)
            ids[commandLine] = (alert["record_id"] as? String) ?? "null"
        }
        return ids
    }

    private func assertRecordIDsAreSQLites(clickHouse db: String, in dir: TemporaryDirectory) throws {
        let input = try dir.write("ecs.ndjson", Self.ecsLines.joined(separator: "\n") + "\n")
        let rules = try dir.write("cmd.yml", Self.rule)
        let sqlite = dir.path("ecs.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", sqlite, input]).status, 0)
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        let expected = try sigmaAlerts(sqlite, rules: rules)
        XCTAssertEqual(try recordIDs(expected), ["cmd.exe /c whoami": "ecs:" + Self.hexID, "cmd.exe /c hostname": "ecs:e-2", "cmd.exe /c ver": "null"])
        XCTAssertEqual(try sigmaAlerts(db, rules: rules), expected)
        let again = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertTrue(again.stderr.contains("read 3 = loaded 0 + duplicates 3"), again.stderr)
    }

    func testClickHouse_recordIDOf32HexDigitsIsSQLitesRecordID() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertRecordIDsAreSQLites(clickHouse: server.url("ecs"), in: try TemporaryDirectory())
    }

    func testClickHouseCluster_recordIDOf32HexDigitsIsSQLitesRecordID() throws {
        let (first, second) = try ClickHouseServer.twoShards()
        defer { first.stop(); second.stop() }
        try assertRecordIDsAreSQLites(clickHouse: first.url("ecs", cluster: "two_shards"), in: try TemporaryDirectory())
        for server in [first, second] {
            XCTAssertEqual(try server.integer("SELECT count() FROM system.columns WHERE database = 'ecs' AND name = 'record_key_is_hash'"),
                           12, "the column on the five event tables and the evidence, local and Distributed")
        }
    }

    /// A database made before c0004 and c0005 (its rows loaded then) upgrades in place when a
    /// load opens it: its rows stay, a record loaded again is a duplicate, new rows say their kind.
    func testClickHouse_olderDatabaseUpgradesInPlace() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let db = server.url("old")
        let first = try dir.write("first.ndjson", Self.ecsLines[0] + "\n")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, first]).status, 0)
        // Back to the schema of c0003: without the column, the evidence table and their records.
        try server.revertVersionedIdentity("old")
        for table in ["processes", "network_connections", "lifecycle_events", "logons", "service_installs"] {
            try server.query("ALTER TABLE old.\(table) DROP COLUMN record_key_is_hash")
        }
        try server.query("DROP TABLE old.command_line_evidence")
        try server.query("ALTER TABLE old.schema_migrations DELETE WHERE id >= 'c0004'")
        for _ in 0..<100 where try server.integer("SELECT count() FROM old.schema_migrations WHERE id >= 'c0004'") > 0 { usleep(100_000) }
        XCTAssertEqual(try server.integer("SELECT count() FROM old.schema_migrations WHERE id >= 'c0004'"), 0)

        let refused = try HuntProcess.run(["sql", "--db", db, "SELECT count() AS n FROM processes"])
        XCTAssertNotEqual(refused.status, 0, "a reader refuses the older schema: \(refused.stdout)")

        let all = try dir.write("all.ndjson", Self.ecsLines.joined(separator: "\n") + "\n")
        let load = try HuntProcess.run(["load", "--db", db, all])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 3 = loaded 2 + duplicates 1"), load.stderr)
        XCTAssertEqual(try server.integer("SELECT count() FROM old.processes FINAL"), 3)
        // The row loaded before the upgrade reads its kind from its key's form (the DEFAULT);
        // the rows loaded since say theirs.
        XCTAssertEqual(try server.integer("SELECT count() FROM old.processes WHERE record_key_is_hash = 0 AND record_key IN ('ecs:\(Self.hexID)', 'ecs:e-2')"), 2)
        XCTAssertEqual(try server.integer("SELECT count() FROM old.processes WHERE record_key_is_hash = 1 AND match(record_key, '^[0-9a-f]{32}$')"), 1)
        let rules = try dir.write("cmd.yml", Self.rule)
        XCTAssertEqual(try recordIDs(try sigmaAlerts(db, rules: rules)),
                       ["cmd.exe /c whoami": "ecs:" + Self.hexID, "cmd.exe /c hostname": "ecs:e-2", "cmd.exe /c ver": "null"])
        XCTAssertEqual(try server.integer("SELECT count() FROM old.command_line_evidence"), 0)
        let check = try HuntProcess.run(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }


    // MARK: Command-line evidence

    private static func flat(_ fields: String, host: String, record: Int, time: String) -> String {
        #"{"Hostname":"\#(host)","RecordNumber":\#(record),\#(fields)"UtcTime":"2026-11-01 \#(time)","EventTime":"2026-11-01 \#(time)"}"#
    }

    private static func connection(host: String, record: Int, time: String, guid: String, pid: Int?, image: String, initiated: Bool,
                                   source: (String, Int), destination: (String, Int)) -> String {
        let pidField = pid.map { #""ProcessId":"\#($0)","# } ?? ""
        return flat(#""EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","ProcessGuid":"\#(guid)",\#(pidField)"Image":"\#(image)","Protocol":"tcp","Initiated":"\#(initiated)","SourceIp":"\#(source.0)","SourcePort":"\#(source.1)","DestinationIp":"\#(destination.0)","DestinationPort":"\#(destination.1)","#,
                    host: host, record: record, time: time)
    }

    private static func child(host: String, record: Int, time: String, guid: String, parentGUID: String) -> String {
        flat(#""EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","ProcessGuid":"\#(guid)","ProcessId":"\#(record + 100)","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe /C start /b powershell -enc AAA","User":"NT AUTHORITY\\SYSTEM","ParentProcessGuid":"\#(parentGUID)","ParentImage":"C:\\Windows\\System32\\services.exe","#,
             host: host, record: record, time: time)
    }

    /// PowerShell 4103 of the PowerShell host `pid`: its ContextInfo names the host's command line.
    private static func pipeline(host: String, record: Int, time: String, pid: Int, commandLine: String) -> String {
        let info = #"        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Application = \#(commandLine)\r\n        Command Name = Start-Sleep\r\n        User = CORP\\alice\r\n"#
        return flat(#""EventID":4103,"SourceName":"Microsoft-Windows-PowerShell","Channel":"Microsoft-Windows-PowerShell/Operational","ExecutionProcessID":\#(pid),"ContextInfo":"\#(info)","Payload":"CommandInvocation(Start-Sleep)","#,
                    host: host, record: record, time: time)
    }

    static let ws5 = "WS5.corp.example", ws6 = "WS6.corp.example", ws7 = "WS7.corp.example"
    static let services = #"C:\\Windows\\System32\\services.exe"#, powershell = #"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"#

    /// WS5's PowerShell (started before the recording: only its 4103s say its command line)
    /// reaches services.exe on WS6 and on WS7; the 4103 closest to each connection is its
    /// command line, one outside the window is not. WS7's connection record lacks the pid: the
    /// same connection's other record on WS5 gives it.
    static var evidenceLines: [String] {
        [
            pipeline(host: ws5, record: 1, time: "08:00:00", pid: 0x1d0, commandLine: "powershell -noP -enc FAR"),
            pipeline(host: ws5, record: 2, time: "09:59:00", pid: 0x1d0, commandLine: "powershell -noP -enc NEAR"),
            pipeline(host: ws5, record: 3, time: "10:00:30", pid: 0x1d0, commandLine: "powershell -noP -enc CLOSEST"),
            pipeline(host: ws5, record: 4, time: "10:00:20", pid: 0x2e0, commandLine: "powershell -noP -enc OTHERPID"),
            connection(host: ws5, record: 5, time: "10:00:40.000", guid: "{55555555-0000-0000-0000-00000000001d}", pid: 0x1d0, image: powershell,
                       initiated: true, source: ("10.0.0.5", 50123), destination: ("10.0.0.6", 49726)),
            connection(host: ws6, record: 1, time: "10:00:40.100", guid: "{66666666-0000-0000-0000-0000000000aa}", pid: 700, image: services,
                       initiated: false, source: ("10.0.0.5", 50123), destination: ("10.0.0.6", 49726)),
            child(host: ws6, record: 2, time: "10:00:40.500", guid: "{66666666-0000-0000-0000-000000000001}", parentGUID: "{66666666-0000-0000-0000-0000000000aa}"),
            // WS5 → WS7 at 10:30: the record without the pid, and a second one (another view of
            // the same connection) with it.
            connection(host: ws5, record: 6, time: "10:30:00.000", guid: "{55555555-0000-0000-0000-00000000001d}", pid: nil, image: powershell,
                       initiated: true, source: ("10.0.0.5", 50200), destination: ("10.0.0.7", 49730)),
            connection(host: ws5, record: 7, time: "10:30:00.000", guid: "{55555555-0000-0000-0000-0000000000ff}", pid: 0x1d0, image: powershell,
                       initiated: true, source: ("10.0.0.5", 50200), destination: ("10.0.0.8", 445)),
            connection(host: ws7, record: 1, time: "10:30:00.300", guid: "{77777777-0000-0000-0000-0000000000aa}", pid: 700, image: services,
                       initiated: false, source: ("10.0.0.5", 50200), destination: ("10.0.0.7", 49730)),
            child(host: ws7, record: 2, time: "10:30:00.700", guid: "{77777777-0000-0000-0000-000000000001}", parentGUID: "{77777777-0000-0000-0000-0000000000aa}"),
        ]
    }

    private func assertEvidenceIsSQLites(clickHouse db: String, in dir: TemporaryDirectory) throws {
        let input = try dir.write("evidence.json", Self.evidenceLines.joined(separator: "\n") + "\n")
        let sqlite = dir.path("evidence.db")
        let sqliteLoad = try HuntProcess.run(["load", "--db", sqlite, input])
        XCTAssertTrue(sqliteLoad.stderr.contains("read 11 = loaded 11 + duplicates 0 + not relevant 0 + rejected 0"), sqliteLoad.stderr)
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 11 = loaded 11 + duplicates 0 + not relevant 0 + rejected 0"), load.stderr)

        func alerts(_ db: String) throws -> [String] {
            let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
            XCTAssertEqual(result.status, 2, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let expected = try alerts(sqlite)
        XCTAssertTrue(expected.contains { $0.contains("\"source_command_line\":\"powershell -noP -enc CLOSEST\"") && $0.contains("WS6") },
                      expected.joined(separator: "\n"))
        XCTAssertTrue(expected.contains { $0.contains("\"source_command_line\":\"powershell -noP -enc CLOSEST\"") && $0.contains("WS7") },
                      expected.joined(separator: "\n"))
        XCTAssertEqual(try alerts(db), expected)
        XCTAssertEqual(try HuntProcess.run(["sql", "--db", db, "--format", "csv", "SELECT pid, command_line, user_name, user_domain FROM command_line_evidence ORDER BY ts_us"]).stdout,
                       try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", "SELECT pid, command_line, user_name, user_domain FROM command_line_evidence ORDER BY ts_us"]).stdout)
        for arguments in [["stats", "--format", "json"], ["coverage", "--format", "csv"]] {
            XCTAssertEqual(try HuntProcess.run(arguments + ["--db", db]).stdout, try HuntProcess.run(arguments + ["--db", sqlite]).stdout, "\(arguments)")
        }

        let again = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertTrue(again.stderr.contains("read 11 = loaded 0 + duplicates 11"), again.stderr)
        let check = try HuntProcess.run(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testClickHouse_commandLineEvidenceGivesSQLitesSourceCommandLine() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertEvidenceIsSQLites(clickHouse: server.url("evidence"), in: try TemporaryDirectory())
        XCTAssertEqual(try server.integer("SELECT count() FROM evidence.command_line_evidence"), 4)
    }

    func testClickHouseCluster_commandLineEvidenceGivesSQLitesSourceCommandLine() throws {
        let (first, second) = try ClickHouseServer.twoShards()
        defer { first.stop(); second.stop() }
        try assertEvidenceIsSQLites(clickHouse: first.url("evidence", cluster: "two_shards"), in: try TemporaryDirectory())
        XCTAssertEqual(try first.integer("SELECT count() FROM evidence.command_line_evidence_local")
                       + second.integer("SELECT count() FROM evidence.command_line_evidence_local"), 4)
    }
}

extension ClickHouseServer {
    /// Two servers on 127.0.0.1 and 127.0.0.2, each a shard of cluster `two_shards`.
    static func twoShards() throws -> (ClickHouseServer, ClickHouseServer) {
        try requireInstalled()
        let ports = randomPorts()
        let shards = [("127.0.0.1", ports.tcp), ("127.0.0.2", ports.tcp)]
        let first = try ClickHouseServer(address: "127.0.0.1", httpPort: ports.http, tcpPort: ports.tcp, cluster: shards)
        do {
            return (first, try ClickHouseServer(address: "127.0.0.2", httpPort: ports.http, tcpPort: ports.tcp, cluster: shards))
        } catch {
            first.stop()
            throw error
        }
    }
}
