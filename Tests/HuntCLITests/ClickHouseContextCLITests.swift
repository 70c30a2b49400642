import Foundation
import XCTest

/// Context events on a real ClickHouse server: the chain of `AlertContextCLITests` (WS5 → WS6 →
/// WS7 with logons and a service install, a domain controller with only logons) loaded into
/// SQLite and into ClickHouse gives the same counts, alerts with the same context columns, the
/// same logon and service hunts, stats and coverage.
final class ClickHouseContextCLITests: XCTestCase {
    func testClickHouse_contextEventsGiveTheSameAlertContextAndHuntsAsSQLite() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        let input = try dir.write("case.json", AlertContextCLITests.lines.joined(separator: "\n") + "\n")
        let sqlite = dir.path("case.db"), db = server.url("context")

        let sqliteLoad = try HuntProcess.run(["load", "--db", sqlite, input])
        XCTAssertEqual(sqliteLoad.status, 0, sqliteLoad.stderr)
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 13 = loaded 13 + duplicates 0 + not relevant 0 + rejected 0"), load.stderr)
        XCTAssertTrue(sqliteLoad.stderr.contains("read 13 = loaded 13 + duplicates 0 + not relevant 0 + rejected 0"), sqliteLoad.stderr)
        XCTAssertEqual(try server.integer("SELECT count() FROM context.logons"), 4)
        XCTAssertEqual(try server.integer("SELECT count() FROM context.service_installs"), 1)

        // The alerts, context columns included, are SQLite's.
        func alerts(_ db: String) throws -> [String] {
            let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
            XCTAssertEqual(result.status, 2, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let expected = try alerts(sqlite)
        XCTAssertTrue(expected.contains { $0.contains("\"logon_user\":\"alice\"") && $0.contains("\"service_name\":\"Updater\"")
                && $0.contains("\"clock_offset_ms\":2500") }, expected.joined(separator: "\n"))
        XCTAssertEqual(try alerts(db), expected)

        // Copies of every event, as a killed load's last INSERT arriving after its re-run leaves
        // them until a merge: the context reads the tables without FINAL and still picks the same.
        let tables = ["processes", "network_connections", "logons", "service_installs"]
        for table in tables {
            try server.query("SYSTEM STOP MERGES context.\(table)")
            try server.query("INSERT INTO context.\(table) SELECT * FROM context.\(table)")
        }
        func copies() throws -> Int64 {
            try tables.reduce(0) { try $0 + server.integer("SELECT count() FROM context.\($1)") - server.integer("SELECT count() FROM context.\($1) FINAL") }
        }
        XCTAssertEqual(try copies(), 13)
        XCTAssertEqual(try alerts(db), expected)
        XCTAssertEqual(try copies(), 13, "the copies were still there while the rules ran")
        for table in tables {
            try server.query("SYSTEM START MERGES context.\(table)")
            try server.query("OPTIMIZE TABLE context.\(table) FINAL")
        }
        XCTAssertEqual(try copies(), 0)

        for arguments in [["network_logons"], ["network_logons", "--param", "source_ip=10.0.0.6"], ["network_logons", "--param", "user=ALICE", "--param", "host=ws7"],
                          ["services_installed"], ["services_installed", "--param", "name=updater"],
                          ["lateral_chain"], ["lateral_chain", "--param", "max_hops=1"]] {
            let fromSQLite = try HuntProcess.run(["query", "run"] + arguments + ["--db", sqlite, "--format", "csv"])
            let fromClickHouse = try HuntProcess.run(["query", "run"] + arguments + ["--db", db, "--format", "csv"])
            XCTAssertEqual(fromClickHouse.status, 0, fromClickHouse.stderr)
            XCTAssertGreaterThan(fromSQLite.stdout.split(whereSeparator: \.isNewline).count, 1, "\(arguments) finds rows")
            XCTAssertEqual(fromClickHouse.stdout, fromSQLite.stdout, "\(arguments)")
        }
        for arguments in [["stats", "--format", "json"], ["stats", "hosts", "--format", "csv"], ["coverage", "--format", "csv"]] {
            let fromSQLite = try HuntProcess.run(arguments + ["--db", sqlite])
            let fromClickHouse = try HuntProcess.run(arguments + ["--db", db])
            XCTAssertEqual(fromClickHouse.stdout, fromSQLite.stdout, "\(arguments): \(fromClickHouse.stderr)")
        }

        // Loading again adds no context event either.
        let again = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertTrue(again.stderr.contains("read 13 = loaded 0 + duplicates 13"), again.stderr)
        XCTAssertEqual(try server.integer("SELECT count() FROM context.logons") + server.integer("SELECT count() FROM context.service_installs"), 5)
        let check = try HuntProcess.run(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }
}
