import Foundation
import XCTest

/// The alert context on ClickHouse against SQLite on the real recordings of ../shared/datasets
/// (psexec and smbexec: Sysmon, Security logons, System service installs and PowerShell 4103
/// command-line evidence): the same load counts, the same evidence rows, the same alerts with
/// `source_command_line`. Skips when the recordings or clickhouse-server are absent.
///
/// Every alert is compared, those on Security entities too: ClickHouse links Security 4688 /
/// 5156 / 4689 events to process entities and maps device paths to drives as SQLite does
/// (`ClickHouseSecurityLinker`), so the Security rows through the views are SQLite's as well.
final class ClickHouseRealDatasetTests: XCTestCase {
    private func recording(_ name: String) throws -> String {
        guard let root = SharedDatasets.directory else { throw XCTSkip("../shared/datasets is not present") }
        let path = root.appendingPathComponent("security-datasets/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(name) is not present") }
        return path
    }

    /// Every alert, as sorted JSON lines.
    private func alerts(_ db: String) throws -> [String] {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
        XCTAssertEqual(result.status, 2, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// The Security process, connection and exit rows an analyst sees, with their links.
    static let securityRowsSQL = [
        """
        SELECT time, host, pid, entity_id, parent_pid, parent_entity_id, executable FROM process_events
        WHERE source_kind = 'security' ORDER BY time, pid, entity_id
        """,
        """
        SELECT time, host, pid, entity_id, executable, destination_ip, destination_port FROM network_events
        WHERE source_kind = 'security' ORDER BY time, pid, entity_id, destination_port
        """,
    ]

    /// A load's total counts: read, loaded, duplicates, not relevant, rejected.
    private struct Counts: Equatable {
        var numbers: [Int]
    }

    private func counts(_ stderr: String) throws -> Counts {
        let total = try XCTUnwrap(stderr.split(whereSeparator: \.isNewline).last { $0.hasPrefix("total:") }?.split(separator: " in ").first)
        let numbers = total.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.dropFirst()  // "1 file"
        XCTAssertEqual(numbers.count, 5, String(total))
        return Counts(numbers: Array(numbers))
    }

    private var recordings: [String] {
        get throws { try ["empire_psexec_dcerpc_tcp_svcctl.json.gz", "empire_smbexec_dcerpc_smb_svcctl.json.gz"].map(recording) }
    }

    func testClickHouse_realRecordingsGiveSQLitesAlertContext() throws {
        let recordings = try recordings
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        try assertSQLitesRowsAndAlerts(recordings) { server.url("real\($0)") }
    }

    func testClickHouseCluster_realRecordingsGiveSQLitesAlertContext() throws {
        let recordings = try recordings
        let (first, second) = try ClickHouseServer.twoShards()
        defer { first.stop(); second.stop() }
        try assertSQLitesRowsAndAlerts(recordings) { first.url("real\($0)", cluster: "two_shards") }
    }

    private func assertSQLitesRowsAndAlerts(_ recordings: [String], clickHouse url: (Int) -> String) throws {
        let dir = try TemporaryDirectory()
        for (n, input) in recordings.enumerated() {
            let sqlite = dir.path("real\(n).db"), db = url(n)
            let sqliteLoad = try HuntProcess.run(["load", "--db", sqlite, input])
            let load = try HuntProcess.run(["load", "--db", db, input])
            XCTAssertEqual(load.status, 0, load.stderr)
            XCTAssertEqual(try counts(load.stderr), try counts(sqliteLoad.stderr), "the same counts")
            // Command-line evidence (PowerShell 4103) is stored on both (c0005).
            let evidenceSQL = "SELECT pid, command_line, user_name, user_domain, ts_us FROM command_line_evidence ORDER BY ts_us, pid, command_line"
            let evidence = try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", evidenceSQL]).stdout
            XCTAssertGreaterThan(evidence.split(whereSeparator: \.isNewline).count, 1, "the recording holds 4103 records")
            XCTAssertEqual(try HuntProcess.run(["sql", "--db", db, "--format", "csv", evidenceSQL]).stdout, evidence)

            for sql in Self.securityRowsSQL {
                let fromSQLite = try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", sql]).stdout
                XCTAssertTrue(fromSQLite.contains("security:"), "linked Security rows: \(fromSQLite.prefix(300))")
                let fromClickHouse = try HuntProcess.run(["sql", "--db", db, "--format", "csv", sql]).stdout
                let a = fromSQLite.split(whereSeparator: \.isNewline).sorted(), b = fromClickHouse.split(whereSeparator: \.isNewline).sorted()
                XCTAssertEqual(b, a, "SQLite only: \(a.filter { !b.contains($0) }.prefix(5)), ClickHouse only: \(b.filter { !a.contains($0) }.prefix(5))")
            }
            let expected = try alerts(sqlite)
            XCTAssertTrue(expected.contains { $0.contains("\"logon_user\":\"pgustavo\"") && $0.contains("\"source_host\":\"WORKSTATION5") },
                          expected.joined(separator: "\n"))
            XCTAssertTrue(expected.contains { $0.contains("security:") }, "alerts on Security entities")
            let got = try alerts(db)
            XCTAssertEqual(got, expected, "\(input): SQLite only: \(expected.filter { !got.contains($0) }.prefix(3)), ClickHouse only: \(got.filter { !expected.contains($0) }.prefix(3))")
            for hunt in ["network_logons", "services_installed"] {
                let fromSQLite = try HuntProcess.run(["query", "run", hunt, "--db", sqlite, "--format", "csv"])
                XCTAssertGreaterThan(fromSQLite.stdout.split(whereSeparator: \.isNewline).count, 1, "\(hunt) finds rows")
                let fromClickHouse = try HuntProcess.run(["query", "run", hunt, "--db", db, "--format", "csv"])
                XCTAssertEqual(fromClickHouse.stdout, fromSQLite.stdout, "\(hunt), \(input): \(fromClickHouse.stderr)")
            }
        }
    }
}
