import Foundation
import XCTest

/// Security links on ClickHouse while the linker's rewritten rows and their stale copies both
/// exist (merges stopped, as while a merge runs and OPTIMIZE does nothing): loads in an order
/// that makes each one relink the rows of the ones before (a start before them, a volume
/// learned, an exit) give SQLite's alerts and view rows. On one server and on two shards; a
/// store linked before c0006 upgrades in place and is relinked whole once.
final class ClickHouseSecurityLinkCLITests: XCTestCase {
    /// One flat NXLog Security line of host WS9.corp at 06:00:00 + `second` local (UTC-4).
    private static func line(_ id: Int, record: Int, second: Int, _ data: [String: String]) -> String {
        let local = String(format: "2026-11-01 06:%02d:%02d", second / 60, second % 60)
        let utc = String(format: "2026-11-01T10:%02d:%02d.200Z", (second + 2) / 60, (second + 2) % 60)
        var fields: [String: Any] = ["EventID": id, "SourceName": "Microsoft-Windows-Security-Auditing", "Channel": "security",
                                     "Hostname": "WS9.corp", "RecordNumber": record, "EventTime": local, "EventReceivedTime": local,
                                     "@timestamp": utc]
        for (k, v) in data { fields[k] = v }
        let json = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: json, as: UTF8.self)
    }

    private static let servicesDevicePath = #"\device\harddiskvolume2\windows\system32\services.exe"#

    private static func connection(record: Int, second: Int, sourcePort: Int) -> String {
        line(5156, record: record, second: second, [
            "ProcessId": "704", "Application": servicesDevicePath, "Direction": "%%14592", "SourceAddress": "10.0.0.5",
            "SourcePort": String(sourcePort), "DestAddress": "10.0.0.9", "DestPort": "49726", "Protocol": "6"])
    }

    private static func start(record: Int, second: Int, pid: String, creator: String, image: String, parent: String) -> String {
        line(4688, record: record, second: second, [
            "NewProcessId": pid, "ProcessId": creator, "NewProcessName": image, "ParentProcessName": parent,
            "CommandLine": image + " /c whoami", "SubjectUserName": "WS9$", "SubjectDomainName": "CORP",
            "TargetUserName": "-", "TargetDomainName": "-", "MandatoryLabel": "S-1-16-16384"])
    }

    private static let services = #"C:\Windows\System32\services.exe"#

    /// Four loads, each relinking rows of the ones before: services.exe (pid 704 = 0x2c0)
    /// connects and starts children; then its own 4688, earlier (the links move from
    /// "before-logs" to the started process, volume 2 is learned as C:); then a connection on
    /// volume 2 between them and its exit before the last child (that child's parent becomes
    /// the process after the exit); then the first file again (duplicates only).
    static let loads: [[String]] = [
        [connection(record: 10, second: 10, sourcePort: 50123),
         start(record: 11, second: 10, pid: "0x2344", creator: "0x2c0", image: #"C:\Windows\Temp\evil.exe"#, parent: services),
         connection(record: 14, second: 40, sourcePort: 50125),
         start(record: 15, second: 40, pid: "0x2400", creator: "0x2c0", image: #"C:\Windows\Temp\evil2.exe"#, parent: services)],
        [start(record: 5, second: 5, pid: "0x2c0", creator: "0x1f4", image: services, parent: #"C:\Windows\System32\wininit.exe"#)],
        [connection(record: 12, second: 20, sourcePort: 50124),
         start(record: 13, second: 20, pid: "0x2380", creator: "0x2c0", image: #"C:\Windows\Temp\evil1.exe"#, parent: services),
         line(4689, record: 16, second: 30, ["ProcessId": "0x2c0", "ProcessName": services, "SubjectUserName": "WS9$", "SubjectDomainName": "CORP"])],
    ]

    static let eventTables = ["processes", "network_connections", "lifecycle_events"]

    /// Every alert, as sorted JSON lines.
    private func alerts(_ db: String) throws -> [String] {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
        XCTAssertEqual(result.status, 2, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    private func viewRows(_ db: String) throws -> [String] {
        try ClickHouseRealDatasetTests.securityRowsSQL.map { try HuntProcess.run(["sql", "--db", db, "--format", "csv", $0]).stdout }
    }

    /// Loads `loads` into SQLite and ClickHouse with every event table's merges stopped on
    /// `servers` after the first load, and compares alerts and view rows after each load.
    private func assertSQLitesLinksWithStaleCopies(servers: [ClickHouseServer], database: String, url: String, tables: [String],
                                                   between: (Int) throws -> Void = { _ in }) throws {
        let dir = try TemporaryDirectory()
        let sqlite = dir.path("case.db")
        for (n, lines) in (Self.loads + [Self.loads[0]]).enumerated() {
            try between(n)
            let input = try dir.write("load\(n).json", lines.joined(separator: "\n") + "\n")
            let sqliteLoad = try HuntProcess.run(["load", "--db", sqlite, input])
            XCTAssertEqual(sqliteLoad.status, 0, sqliteLoad.stderr)
            let load = try HuntProcess.run(["load", "--db", url, input])
            XCTAssertEqual(load.status, 0, load.stderr)
            let counts = sqliteLoad.stderr.split(whereSeparator: \.isNewline).first { $0.contains("read ") }.map(String.init) ?? "?"
            XCTAssertTrue(load.stderr.contains(counts), "load \(n): \(load.stderr) against SQLite's \(counts)")
            if n == 0 {
                for server in servers { for table in tables { try server.query("SYSTEM STOP MERGES \(database).\(table)") } }
            }
            let expected = try alerts(sqlite)
            XCTAssertEqual(expected.count, n == 0 || n == 1 ? 6 : 9, "load \(n): three rules, one alert each per child")
            XCTAssertEqual(try alerts(url), expected, "load \(n)")
            XCTAssertEqual(try viewRows(url), try viewRows(sqlite), "load \(n)")
        }
        let expected = try alerts(sqlite)
        XCTAssertTrue(expected.contains { $0.contains("security:ws9.corp:704:1793527205000000") }, "linked to services.exe's start: \(expected)")
        XCTAssertTrue(expected.contains { $0.contains("security:ws9.corp:704:exit@1793527230000000") }, "linked after its exit: \(expected)")
        XCTAssertTrue(try viewRows(sqlite)[1].contains(#"C:\windows\system32\services.exe"#), "the device path mapped to C:")
        // The rows the linker wrote again are there beside their stale copies.
        var copies: Int64 = 0
        for server in servers {
            for table in tables { copies += try server.integer("SELECT count() - (SELECT count() FROM \(database).\(table) FINAL) FROM \(database).\(table)") }
        }
        XCTAssertGreaterThan(copies, 4, "stale copies stayed while the rules ran")
        let check = try HuntProcess.run(["check", "--db", url])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testClickHouse_linksEqualSQLitesWhileStaleCopiesExist() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertSQLitesLinksWithStaleCopies(servers: [server], database: "links", url: server.url("links"), tables: Self.eventTables)
    }

    func testClickHouseCluster_linksEqualSQLitesWhileStaleCopiesExist() throws {
        try ClickHouseServer.requireInstalled()
        let (first, second) = try ClickHouseServer.twoShards()
        defer { first.stop(); second.stop() }
        try assertSQLitesLinksWithStaleCopies(servers: [first, second], database: "links", url: first.url("links", cluster: "two_shards"),
                                              tables: Self.eventTables.map { $0 + "_local" })
    }

    /// A store linked before c0006 (no link_version, no host_volumes) upgrades when the next
    /// load opens it, relinks the host whole once and then gives SQLite's links.
    func testClickHouse_storeLinkedBeforeUpgradesInPlace() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertSQLitesLinksWithStaleCopies(servers: [server], database: "old", url: server.url("old"), tables: Self.eventTables) { n in
            guard n == 2 else { return }
            // Back to the schema before c0006, after two loads (the stale copies stay).
            try server.revertVersionedIdentity("old")
            for table in Self.eventTables { try server.query("ALTER TABLE old.\(table) DROP COLUMN link_version") }
            try server.query("DROP TABLE old.host_volumes")
            try server.query("ALTER TABLE old.schema_migrations DELETE WHERE id >= 'c0006'")
            for _ in 0..<100 where try server.integer("SELECT count() FROM old.schema_migrations WHERE id >= 'c0006'") > 0 { usleep(100_000) }
            let refused = try HuntProcess.run(["sql", "--db", server.url("old"), "SELECT count() AS n FROM processes"])
            XCTAssertNotEqual(refused.status, 0, "a reader refuses the older schema: \(refused.stdout)")
        }
        XCTAssertEqual(try server.integer("SELECT count() FROM old.host_volumes WHERE device = ''"), 1, "the host is marked learned")
    }
}
