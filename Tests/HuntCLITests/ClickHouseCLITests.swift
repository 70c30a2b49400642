import Foundation
import XCTest

/// `hunt` against a real ClickHouse server (Debian's clickhouse-server 18.16, started by the
/// class on loopback ports): the same rows and alerts as the SQLite backend, loads that add
/// nothing when re-run, a killed load re-run exactly, and analyst SQL that cannot write.
final class ClickHouseCLITests: XCTestCase {
    nonisolated(unsafe) private static var server: ClickHouseServer?
    nonisolated(unsafe) private static var corpusDirectory: TemporaryDirectory?
    nonisolated(unsafe) private static var startError: Error?

    override class func setUp() {
        super.setUp()
        do {
            let ports = ClickHouseServer.randomPorts()
            server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
            let directory = try TemporaryDirectory()
            corpusDirectory = directory
            try HuntProcess.run(["generate", "--events", "20k", "--hosts", "6", "--planted", "3", "--output", directory.path("corpus.ndjson")])
            try HuntProcess.run(["load", "--quiet", "--db", directory.path("case.db"), directory.path("corpus.ndjson")])
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        corpusDirectory = nil
        super.tearDown()
    }

    private func running() throws -> (server: ClickHouseServer, corpus: String, sqlite: String) {
        if let startError = Self.startError { throw startError }
        guard let server = Self.server, let directory = Self.corpusDirectory else { throw XCTSkip("no ClickHouse server") }
        return (server, directory.path("corpus.ndjson"), directory.path("case.db"))
    }

    /// Alerts as sorted JSON lines (the backends may order ties differently), with their
    /// context columns (logon, service, source side, clock offset).
    private func alerts(_ db: String) throws -> [String] {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
        XCTAssertEqual(result.status, 2, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    func testClickHouse_loadGivesTheSameRowsAndAlertsAsSQLite_andReloadingAddsNothing() throws {
        let (server, corpus, sqlite) = try running()
        let db = server.url("same_as_sqlite")
        let load = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 20000 = loaded 20000 + duplicates 0"), load.stderr)

        let rows = "SELECT ts_us, entity_id, pid, executable, command_line, parent_entity_id, user_name, source_kind, ts_precision_us FROM processes ORDER BY ts_us, entity_id"
        let fromSQLite = try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", rows])
        let fromClickHouse = try HuntProcess.run(["sql", "--db", db, "--format", "csv", rows])
        XCTAssertEqual(fromClickHouse.status, 0, fromClickHouse.stderr)
        XCTAssertGreaterThan(fromSQLite.stdout.count, 100_000)
        XCTAssertEqual(fromClickHouse.stdout, fromSQLite.stdout)
        let network = "SELECT ts_us, entity_id, name, direction, transport, source_ip, source_port, destination_ip, destination_port FROM network_connections ORDER BY ts_us, entity_id, source_port"
        XCTAssertEqual(try HuntProcess.run(["sql", "--db", db, "--format", "csv", network]).stdout,
                       try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", network]).stdout)

        let expected = try alerts(sqlite)
        XCTAssertTrue(expected.contains { $0.contains("\"rule_id\":\"remote_service_rpc\"") })
        XCTAssertEqual(try alerts(db), expected)
        try assertWideWindowsGiveSQLitesAlerts(sqlite: sqlite, clickHouse: db, defaultAlerts: expected)

        let stats = try HuntProcess.run(["stats", "--db", db, "--format", "json"])
        XCTAssertEqual(stats.stdout, try HuntProcess.run(["stats", "--db", sqlite, "--format", "json"]).stdout)

        // Loading again stores nothing twice.
        let again = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("read 20000 = loaded 0 + duplicates 20000"), again.stderr)
        XCTAssertEqual(try server.integer("SELECT count() FROM same_as_sqlite.processes") + server.integer("SELECT count() FROM same_as_sqlite.network_connections"), 20_000)
        XCTAssertEqual(try alerts(db), expected)
        let check = try HuntProcess.run(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testClickHouse_killedLoadRerunStoresEveryEventExactlyOnce() throws {
        let (server, corpus, _) = try running()
        let db = server.url("killed")
        for delay in [700_000, 1_400_000] as [UInt32] {
            let process = Process()
            process.executableURL = HuntProcess.executable
            process.arguments = ["load", "--quiet", "--db", db, corpus]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let rerun = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let stored = try server.integer("SELECT (SELECT count() FROM killed.processes FINAL) + (SELECT count() FROM killed.network_connections FINAL)")
        XCTAssertEqual(stored, 20_000)
        // The killed load's last INSERT may reach the server after the re-run read what it holds
        // (the re-run then writes that batch again): ReplacingMergeTree keeps one of each, which
        // every read sees through FINAL and a merge makes physical.
        try server.query("OPTIMIZE TABLE killed.processes FINAL")
        try server.query("OPTIMIZE TABLE killed.network_connections FINAL")
        let rows = try server.integer("SELECT (SELECT count() FROM killed.processes) + (SELECT count() FROM killed.network_connections)")
        XCTAssertEqual(rows, 20_000, "after a merge, a killed load and its re-run left one row per event")
        let summary = try HuntProcess.run(["stats", "--db", db, "--format", "csv"])
        XCTAssertTrue(summary.stdout.contains("all,20000,"), summary.stdout)
        let sources = try HuntProcess.run(["stats", "sources", "--db", db, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: sources.stdoutData) as? [[String: Any]] ?? []
        XCTAssertEqual(parsed.last?["status"] as? String, "complete")
        XCTAssertEqual(parsed.last?["read"] as? Int, 20_000)
        for source in parsed {
            let read = source["read"] as? Int ?? 0, loaded = source["loaded"] as? Int ?? 0
            let duplicates = source["duplicates"] as? Int ?? 0
            XCTAssertEqual(read, loaded + duplicates, "\(source)")
        }
    }

    func testClickHouse_analystSQLIsReadOnlyAndBindsParameters() throws {
        let (server, corpus, _) = try running()
        let db = server.url("analyst")
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, corpus]).status, 0)
        let hosts = try server.integer("SELECT count() FROM analyst.hosts")
        for sql in ["INSERT INTO hosts (host_id, host_key, name) VALUES (1, 'x', 'x')", "DROP TABLE hosts",
                    "CREATE TABLE t (x Int64) ENGINE = Memory", "SELECT 1 SETTINGS readonly = 0", "SELECT 1; DROP TABLE hosts",
                    "ALTER TABLE hosts DELETE WHERE 1"] {
            let result = try HuntProcess.run(["sql", "--db", db, sql])
            XCTAssertNotEqual(result.status, 0, sql)
            XCTAssertTrue(result.stdout.isEmpty, sql)
        }
        XCTAssertEqual(try server.integer("SELECT count() FROM analyst.hosts"), hosts)
        XCTAssertEqual(try server.integer("SELECT count() FROM system.tables WHERE database = 'analyst' AND name = 't'"), 0)

        let typed = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "--param", "n=41", "--param", "s=it's",
                                         "SELECT {n:Int64} + 1 AS a, :s AS b"])
        XCTAssertEqual(typed.status, 0, typed.stderr)
        XCTAssertEqual(typed.stdout.replacingOccurrences(of: "\r\n", with: "\n"), "a,b\n42,it's\n")
    }

    func testClickHouse_badServersGiveAClearMessageAndANonZeroExit() throws {
        let (server, corpus, _) = try running()
        let unreachable = try HuntProcess.run(["stats", "--db", "clickhouse://127.0.0.1:1/x"])
        XCTAssertEqual(unreachable.status, 1)
        XCTAssertTrue(unreachable.stderr.contains("does not answer"), unreachable.stderr)

        let wrong = try HuntProcess.run(["load", "--db", server.url("pw"), corpus],
                                        environment: ["HUNT_CLICKHOUSE_USER": "hunter", "HUNT_CLICKHOUSE_PASSWORD": "wrong-secret"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("refused the user name or password"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("wrong-secret"))
        let right = try HuntProcess.run(["load", "--quiet", "--db", "clickhouse://hunter:s3cret@\(server.address):\(server.httpPort)/pw", corpus])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertFalse(right.stderr.contains("s3cret"))

        try server.query("CREATE DATABASE IF NOT EXISTS other")
        try server.query("CREATE TABLE IF NOT EXISTS other.payroll (x Int64) ENGINE = Memory")
        let foreign = try HuntProcess.run(["load", "--db", server.url("other"), corpus])
        XCTAssertEqual(foreign.status, 1)
        XCTAssertTrue(foreign.stderr.contains("holds other tables (payroll)"), foreign.stderr)
        XCTAssertEqual(try server.integer("SELECT count() FROM system.tables WHERE database = 'other'"), 1, "nothing was created")

        let missing = try HuntProcess.run(["detect", "--db", server.url("nothing_here")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("No database at clickhouse://"), missing.stderr)
    }

    func testClickHouse_savedHuntsRunWithTheirClickHouseText() throws {
        let (server, corpus, sqlite) = try running()
        let db = server.url("hunts")
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, corpus]).status, 0)
        // Every hunt gives the same rows, in the same order, as SQLite.
        func same(_ arguments: [String], sortingListsIn column: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
            let fromSQLite = try HuntProcess.run(["query", "run"] + arguments + ["--db", sqlite, "--format", "csv"])
            XCTAssertEqual(fromSQLite.status, 0, fromSQLite.stderr, file: file, line: line)
            let fromClickHouse = try HuntProcess.run(["query", "run"] + arguments + ["--db", db, "--format", "csv"])
            XCTAssertEqual(fromClickHouse.status, 0, fromClickHouse.stderr, file: file, line: line)
            XCTAssertGreaterThan(fromSQLite.stdout.split(whereSeparator: \.isNewline).count, 1, "\(arguments) finds rows", file: file, line: line)
            XCTAssertEqual(Self.rows(fromClickHouse.stdout, sortingListsIn: column), Self.rows(fromSQLite.stdout, sortingListsIn: column),
                           "\(arguments)", file: file, line: line)
        }
        try same(["services_children"])
        try same(["rpc_high_port_inbound"])
        try same(["first_seen_executables", "--param", "since=2000-01-01T00:00:00Z"])
        try same(["first_seen_executables", "--param", "since=2026-11-02T00:00:00Z", "--param", "until=2026-11-03T00:00:00Z"])
        // group_concat lists hosts in the order SQLite meets them, ClickHouse in name order.
        try same(["rare_parent_child", "--param", "max_hosts=6", "--param", "max_rows=25"], sortingListsIn: 6)
        try same(["rare_parent_child", "--param", "max_hosts=1", "--param", "since=2026-11-01T12:00:00Z"], sortingListsIn: 6)
        let entities = try HuntProcess.run(["sql", "--db", sqlite, "--format", "csv", """
            SELECT (SELECT entity_id FROM processes WHERE name = 'services.exe' ORDER BY ts_us LIMIT 1),
                   (SELECT entity_id FROM processes WHERE name = 'cmd.exe' AND parent_name = 'explorer.exe' ORDER BY ts_us LIMIT 1),
                   (SELECT host FROM process_events WHERE name = 'cmd.exe' AND parent_name = 'explorer.exe' ORDER BY ts_us LIMIT 1)
            """]).stdout.split(whereSeparator: \.isNewline).dropFirst().first?.split(separator: ",").map(String.init) ?? []
        XCTAssertEqual(entities.count, 3, "the corpus has services.exe and an interactive cmd.exe")
        guard entities.count == 3 else { return }
        try same(["process_tree", "--param", "entity_id=\(entities[0])"])
        try same(["process_tree", "--param", "entity_id={\(entities[1].uppercased())}"])
        try same(["process_tree", "--param", "entity_id=\(entities[1])", "--param", "max_depth=1", "--param", "host=\(entities[2])"])
        try same(["process_tree", "--param", "entity_id=\(entities[0])", "--param", "max_depth=2"])
        let deep = try HuntProcess.run(["query", "run", "process_tree", "--db", db, "--param", "entity_id=\(entities[0])", "--param", "max_depth=33"])
        XCTAssertNotEqual(deep.status, 0, "ClickHouse walks at most 32 generations and says so")

        try same(["lateral_chain"])
        try same(["lateral_chain", "--param", "since=2026-11-01T06:00:00Z", "--param", "window_ms=500"])
    }

    /// CSV lines of a result; with `column`, that column's comma-separated list sorted.
    static func rows(_ csv: String, sortingListsIn column: Int? = nil) -> [String] {
        let lines = csv.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        guard let column else { return lines }
        return lines.map { line in
            // Only the last column holds a quoted list in these hunts: split off the first `column` cells.
            var cells = line.split(separator: ",", maxSplits: column, omittingEmptySubsequences: false).map(String.init)
            guard cells.count == column + 1 else { return line }
            let list = cells[column].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            cells[column] = list.split(separator: ",").sorted().joined(separator: ",")
            return cells.joined(separator: ",")
        }
    }
}

/// The cluster path: two real servers (127.0.0.1 and 127.0.0.2, same ports) as two shards of
/// `two_shards`; the event tables are sharded by host behind Distributed tables.
final class ClickHouseClusterCLITests: XCTestCase {
    func testClickHouseCluster_twoShardsGiveTheSameAlertsAsSQLite() throws {
        try ClickHouseServer.requireInstalled()
        let ports = ClickHouseServer.randomPorts()
        let shards = [("127.0.0.1", ports.tcp), ("127.0.0.2", ports.tcp)]
        let first = try ClickHouseServer(address: "127.0.0.1", httpPort: ports.http, tcpPort: ports.tcp, cluster: shards)
        let second = try ClickHouseServer(address: "127.0.0.2", httpPort: ports.http, tcpPort: ports.tcp, cluster: shards)
        defer { first.stop(); second.stop() }
        let dir = try TemporaryDirectory()
        let corpus = dir.path("corpus.ndjson"), sqlite = dir.path("case.db")
        try HuntProcess.run(["generate", "--events", "20k", "--hosts", "6", "--planted", "3", "--output", corpus])
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", sqlite, corpus]).status, 0)

        let db = first.url("fleet", cluster: "two_shards")
        let load = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(load.status, 0, load.stderr)
        let onFirst = try first.integer("SELECT count() FROM fleet.processes_local")
        let onSecond = try second.integer("SELECT count() FROM fleet.processes_local")
        XCTAssertGreaterThan(onFirst, 0)
        XCTAssertGreaterThan(onSecond, 0)
        XCTAssertEqual(try first.integer("SELECT uniqExact(host_id) FROM fleet.processes_local")
                       + second.integer("SELECT uniqExact(host_id) FROM fleet.processes_local"), 6, "each host on one shard")

        func alerts(_ db: String) throws -> [String] {
            let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
            XCTAssertEqual(result.status, 2, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let expected = try alerts(sqlite)
        XCTAssertTrue(expected.contains { $0.contains("\"rule_id\":\"remote_service_rpc\"") })
        XCTAssertEqual(try alerts(db), expected)
        try assertWideWindowsGiveSQLitesAlerts(sqlite: sqlite, clickHouse: db, defaultAlerts: expected)

        // The hunts that walk and stack read the Distributed tables the same way.
        for arguments in [["lateral_chain"], ["first_seen_executables", "--param", "since=2000-01-01T00:00:00Z"],
                          ["rare_parent_child", "--param", "max_hosts=6", "--param", "max_rows=25"]] {
            let fromSQLite = try HuntProcess.run(["query", "run"] + arguments + ["--db", sqlite, "--format", "csv"])
            let fromCluster = try HuntProcess.run(["query", "run"] + arguments + ["--db", db, "--format", "csv"])
            XCTAssertEqual(fromCluster.status, 0, fromCluster.stderr)
            XCTAssertGreaterThan(fromSQLite.stdout.split(whereSeparator: \.isNewline).count, 1, "\(arguments) finds rows")
            let column = arguments[0] == "rare_parent_child" ? 6 : nil
            XCTAssertEqual(ClickHouseCLITests.rows(fromCluster.stdout, sortingListsIn: column),
                           ClickHouseCLITests.rows(fromSQLite.stdout, sortingListsIn: column), "\(arguments)")
        }

        let again = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertTrue(again.stderr.contains("read 20000 = loaded 0 + duplicates 20000"), again.stderr)
        XCTAssertEqual(try first.integer("SELECT count() FROM fleet.processes_local")
                       + second.integer("SELECT count() FROM fleet.processes_local"), onFirst + onSecond)
    }
}

/// `remote_service_rpc` with windows past the one-minute bucket and past an hour (the buckets
/// grow with the window) gives SQLite's alerts, and more of them than the default window.
private func assertWideWindowsGiveSQLitesAlerts(sqlite: String, clickHouse: String, defaultAlerts: [String],
                                                file: StaticString = #filePath, line: UInt = #line) throws {
    for window in ["90s", "2h"] {
        func windowAlerts(_ db: String) throws -> [String] {
            let result = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--window", window,
                                              "--no-context", "--format", "ndjson"])
            XCTAssertTrue([0, 2].contains(result.status), result.stderr, file: file, line: line)
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let wide = try windowAlerts(sqlite)
        XCTAssertEqual(try windowAlerts(clickHouse), wide, "--window \(window)", file: file, line: line)
        XCTAssertGreaterThan(wide.count, defaultAlerts.filter { $0.contains("\"rule_id\":\"remote_service_rpc\"") }.count,
                             "--window \(window)", file: file, line: line)
    }
}
