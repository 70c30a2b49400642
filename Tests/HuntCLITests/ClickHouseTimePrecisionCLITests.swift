import Foundation
import XCTest

/// One Security record in two time precisions on ClickHouse (c0007): NXLog's flat export (to
/// the second, local time) and the XML of the same log (to the microsecond) store one row at
/// the finer time, whichever came first, as SQLite does; the coarse copy the finer one replaced
/// is never seen, also while merges are stopped. Also: a copy inserted after a rewrite with a
/// lower version does not win (the versioned engine), and a rebuild of c0007 killed between
/// its steps is finished by the next load.
final class ClickHouseTimePrecisionCLITests: XCTestCase {
    /// Host WS7.corp's records: services.exe's incoming connection, the child it started 400 ms
    /// later, and the network logon before them; `micros` within 2026-11-01T10:00:00Z.
    private struct Record {
        var eventID: Int
        var record: Int
        var micros: Int64
        var data: [(String, String)]
    }

    private static let services = #"C:\Windows\System32\services.exe"#

    private static let records: [Record] = [
        Record(eventID: 4624, record: 40, micros: 9_250_117, data: [
            ("TargetUserName", "pgustavo"), ("TargetDomainName", "CORP"), ("TargetLogonId", "0x2990d17"), ("LogonType", "3"),
            ("IpAddress", "10.0.0.5"), ("IpPort", "50120"), ("WorkstationName", "WS5"), ("LogonProcessName", "NtLmSsp "),
            ("AuthenticationPackageName", "NTLM")]),
        Record(eventID: 5156, record: 41, micros: 10_120_345, data: [
            ("ProcessId", "704"), ("Application", #"\device\harddiskvolume2\windows\system32\services.exe"#), ("Direction", "%%14592"),
            ("SourceAddress", "10.0.0.5"), ("SourcePort", "50123"), ("DestAddress", "10.0.0.9"), ("DestPort", "49726"), ("Protocol", "6")]),
        Record(eventID: 4688, record: 42, micros: 10_520_777, data: [
            ("NewProcessId", "0x2344"), ("ProcessId", "0x2c0"), ("NewProcessName", #"C:\Windows\Temp\evil.exe"#),
            ("ParentProcessName", services), ("CommandLine", #"C:\Windows\Temp\evil.exe /c whoami"#), ("SubjectUserName", "WS7$"),
            ("SubjectDomainName", "CORP"), ("TargetUserName", "-"), ("TargetDomainName", "-"), ("MandatoryLabel", "S-1-16-16384")]),
    ]

    private static let base: Int64 = 1_793_527_200_000_000  // 2026-11-01T10:00:00Z

    /// NXLog's flat line: local time (UTC-4) to the second; the zone from @timestamp.
    private static func flat(_ r: Record) -> String {
        let second = Int(r.micros / 1_000_000)
        var fields: [String: Any] = [
            "EventID": r.eventID, "SourceName": "Microsoft-Windows-Security-Auditing", "Channel": "security", "Hostname": "WS7.corp",
            "RecordNumber": r.record, "EventTime": String(format: "2026-11-01 06:00:%02d", second),
            "EventReceivedTime": String(format: "2026-11-01 06:00:%02d", second), "@timestamp": String(format: "2026-11-01T10:00:%02d.200Z", second + 2),
        ]
        for (k, v) in r.data { fields[k] = v }
        let json = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: json, as: UTF8.self)
    }

    /// The record's XML, to the microsecond (a tenth of the 100 ns SystemTime).
    private static func xml(_ r: Record) -> String {
        let time = String(format: "2026-11-01T10:00:%02d.%06d0Z", Int(r.micros / 1_000_000), Int(r.micros % 1_000_000))
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            + "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>"
            + "<EventID>\(r.eventID)</EventID><Version>2</Version><Level>0</Level><Task>13312</Task>"
            + "<TimeCreated SystemTime='\(time)'/><EventRecordID>\(r.record)</EventRecordID>"
            + "<Correlation/><Execution ProcessID='4' ThreadID='7212'/>"
            + "<Channel>Security</Channel><Computer>WS7.corp</Computer><Security/></System><EventData>"
            + r.data.map { "<Data Name='\($0.0)'>\($0.1)</Data>" }.joined() + "</EventData></Event>"
    }

    private static let rowsSQL = [
        "SELECT time, ts_precision_us, host, pid, entity_id, parent_entity_id, executable FROM process_events ORDER BY time, pid",
        "SELECT time, ts_precision_us, host, pid, entity_id, executable, source_port FROM network_events ORDER BY time, pid",
    ]

    private func rows(_ db: String) throws -> [String] {
        try Self.rowsSQL.map { try HuntProcess.run(["sql", "--db", db, "--format", "csv", $0]).stdout }
    }

    private func alerts(_ db: String) throws -> [String] {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
        XCTAssertEqual(result.status, 2, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    private func logons(_ db: String) throws -> String {
        let result = try HuntProcess.run(["query", "run", "network_logons", "--db", db, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    private static func counts(_ stderr: String) -> String {
        stderr.split(whereSeparator: \.isNewline).first { $0.contains("read ") }.map(String.init) ?? "?"
    }

    /// Loads the two copies in `order` into SQLite and the server (merges stopped after the
    /// first load), and compares counts, rows, alerts (with their logon context) and logons.
    private func assertOneRowPerRecord(order: [String], server: ClickHouseServer, database: String) throws {
        let dir = try TemporaryDirectory()
        let files = [
            "flat": try dir.write("security-flat.json", Self.records.map(Self.flat).joined(separator: "\n") + "\n"),
            "xml": try dir.write("security.xml", "<Events>" + Self.records.map(Self.xml).joined(separator: "\n") + "</Events>"),
        ]
        let sqlite = dir.path("case.db"), url = server.url(database)
        for (n, name) in order.enumerated() {
            let fromSQLite = try HuntProcess.run(["load", "--db", sqlite, files[name]!])
            XCTAssertEqual(fromSQLite.status, 0, fromSQLite.stderr)
            let load = try HuntProcess.run(["load", "--db", url, files[name]!])
            XCTAssertEqual(load.status, 0, load.stderr)
            XCTAssertTrue(load.stderr.contains(Self.counts(fromSQLite.stderr)), "\(name): \(load.stderr) against \(fromSQLite.stderr)")
            if n == 0 {
                for table in ["processes", "network_connections", "logons"] { try server.query("SYSTEM STOP MERGES \(database).\(table)") }
            }
        }
        let sqliteRows = try rows(sqlite)
        XCTAssertTrue(sqliteRows[0].contains(",1,"), "SQLite keeps the microsecond time: \(sqliteRows[0])")
        XCTAssertEqual(try rows(url), sqliteRows)
        let expected = try alerts(sqlite)
        XCTAssertEqual(expected.count, 3)
        XCTAssertTrue(expected.allSatisfy { $0.contains(#""logon_user":"pgustavo""#) }, "\(expected)")
        XCTAssertEqual(try alerts(url), expected)
        XCTAssertEqual(try logons(url), try logons(sqlite))
        XCTAssertTrue(try logons(sqlite).contains("pgustavo"))
        XCTAssertEqual(try server.integer("SELECT count() FROM \(database).processes FINAL"), 1)
        XCTAssertEqual(try server.integer("SELECT count() FROM \(database).logons FINAL"), 1)
    }

    func testClickHouse_coarseThenPreciseCopyKeepsTheFinerTime() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertOneRowPerRecord(order: ["flat", "xml", "flat"], server: server, database: "coarse_first")
        // The coarse rows are still in the tables (merges stopped), and nothing reads them.
        XCTAssertGreaterThan(try server.integer("SELECT count() FROM coarse_first.processes WHERE ts_precision_us = 1000000"), 0)
        XCTAssertGreaterThan(try server.integer("SELECT count() FROM coarse_first.logons WHERE ts_precision_us = 1000000"), 0)
    }

    func testClickHouse_preciseThenCoarseCopyIsADuplicate() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertOneRowPerRecord(order: ["xml", "flat"], server: server, database: "precise_first")
        // The coarse copy was never written.
        XCTAssertEqual(try server.integer("SELECT count() FROM precise_first.processes WHERE ts_precision_us != 1"), 0)
    }

    /// A copy with a lower version inserted after the row was written again (a concurrent load
    /// that looked before the rewrite) loses in FINAL reads, whatever the order of arrival.
    func testClickHouse_lowerVersionInsertedLaterDoesNotWin() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let flat = try dir.write("flat.json", Self.records.map(Self.flat).joined(separator: "\n") + "\n")
        let xml = try dir.write("security.xml", "<Events>" + Self.records.map(Self.xml).joined(separator: "\n") + "</Events>")
        let url = server.url("race")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", url, flat]).status, 0)
        try server.query("SYSTEM STOP MERGES race.processes")
        let before = try rows(url)
        XCTAssertEqual(try HuntProcess.run(["load", "--db", url, xml]).status, 0)
        let refined = try rows(url)
        XCTAssertNotEqual(refined, before)
        // The first load's rows again, as a concurrent load would have inserted them: version 0.
        let stored = try server.integer("SELECT count() FROM race.processes")
        try server.query("INSERT INTO race.processes SELECT * FROM race.processes WHERE ts_precision_us = 1000000")
        XCTAssertGreaterThan(try server.integer("SELECT count() FROM race.processes"), stored)
        XCTAssertEqual(try rows(url), refined)
    }

    /// A c0007 rebuild killed after renaming the old table away (before the copy took its
    /// name), after the swap (with a row only the old table holds), or with a half-made copy,
    /// is finished by the next load, every row kept.
    func testClickHouse_rebuildKilledBetweenStepsIsFinished() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let xml = try dir.write("security.xml", "<Events>" + Self.records.map(Self.xml).joined(separator: "\n") + "</Events>")
        let url = server.url("rebuild")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", url, xml]).status, 0)
        let expected = try rows(url)
        let logons = try self.logons(url)
        // processes: the swap stopped half-way. network_connections: a copy begun and abandoned.
        // logons: swapped, its old table not yet dropped, holding a row the copy missed (as a
        // concurrent load's insert).
        try server.query("CREATE TABLE rebuild.logons__replaced AS rebuild.logons")
        try server.query("INSERT INTO rebuild.logons__replaced SELECT * FROM rebuild.logons")
        try server.query("TRUNCATE TABLE rebuild.logons")
        try server.query("CREATE TABLE rebuild.processes__rebuild AS rebuild.processes")
        try server.query("INSERT INTO rebuild.processes__rebuild SELECT * FROM rebuild.processes")
        try server.query("RENAME TABLE rebuild.processes TO rebuild.processes__replaced")
        try server.query("CREATE TABLE rebuild.network_connections__rebuild AS rebuild.network_connections")
        try server.query("ALTER TABLE rebuild.schema_migrations DELETE WHERE id = 'c0007_versioned_identity'")
        for _ in 0..<100 where try server.integer("SELECT count() FROM rebuild.schema_migrations WHERE id = 'c0007_versioned_identity'") > 0 {
            usleep(100_000)
        }
        let again = try HuntProcess.run(["load", "--db", url, xml])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("duplicates 3") || again.stderr.contains("3 duplicates"), again.stderr)
        XCTAssertTrue(again.stderr.contains("upgraded the schema of \(url) in "), again.stderr)
        XCTAssertTrue(again.stderr.contains(" s: c0007_versioned_identity"), again.stderr)
        XCTAssertEqual(try rows(url), expected)
        XCTAssertEqual(try self.logons(url), logons)
        XCTAssertTrue(logons.contains("pgustavo"))
        XCTAssertEqual(try server.integer("SELECT count() FROM system.tables WHERE database = 'rebuild' AND name LIKE '%\\_\\_re%'"), 0)
        XCTAssertEqual(try server.integer("SELECT count() FROM system.tables WHERE database = 'rebuild' AND name = 'processes' AND engine_full LIKE 'ReplacingMergeTree(link_version)%'"), 1)
    }
}
