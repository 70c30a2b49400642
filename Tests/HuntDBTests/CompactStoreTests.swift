import Foundation
import HuntDB
import Query
@testable import Store
import XCTest

/// The compact store (m0009): an old database upgrades in place with every value kept, the views
/// `processes` and `network_connections` show what the tables showed, and filters on interned
/// columns still go through indexes.
final class CompactStoreTests: XCTestCase {
    /// Every column of every row reads the same through the views after the upgrade as from the
    /// old tables, with the same types (record keys of every type), NULLs and spellings.
    func testUpgrade_keepsEveryValueOfEveryRow() throws {
        let scratch = try Scratch()
        let upgraded = scratch.path("upgraded.db"), reference = scratch.path("reference.db")
        try OldDatabase.write(upgraded, events: 3_000)
        try FileManager.default.copyItem(atPath: upgraded, toPath: reference)

        let store = try SQLiteStore(path: upgraded)
        XCTAssertEqual(try store.column("SELECT type FROM sqlite_schema WHERE name IN ('processes', 'network_connections') ORDER BY name"),
                       ["view", "view"])
        let attach = try store.database.prepare("ATTACH DATABASE ?1 AS old", purpose: "test")
        attach.bind(reference, at: 1)
        try attach.run()
        for table in ["processes", "network_connections"] {
            XCTAssertEqual(try count("SELECT * FROM old.\(table)", store), 3_000, table)
            XCTAssertEqual(try count("SELECT * FROM main.\(table)", store), 3_000, table)
            XCTAssertEqual(try count("SELECT * FROM old.\(table) EXCEPT SELECT * FROM main.\(table)", store), 0, table)
            XCTAssertEqual(try count("SELECT * FROM main.\(table) EXCEPT SELECT * FROM old.\(table)", store), 0, table)
            // EXCEPT compares name columns case-insensitively (NOCASE): check the spellings too.
            XCTAssertEqual(try count("""
                SELECT 1 FROM main.\(table) AS n JOIN old.\(table) AS o USING (event_id)
                WHERE n.name IS NOT o.name COLLATE BINARY OR typeof(n.record_key) <> typeof(o.record_key)
                """, store), 0, table)
        }
        XCTAssertEqual(try count("""
            SELECT 1 FROM main.processes AS n JOIN old.processes AS o USING (event_id)
            WHERE n.parent_name IS NOT o.parent_name COLLATE BINARY
            """, store), 0)
        // The check finds nothing wrong with the upgraded file.
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])
    }

    /// Names compare case-insensitively through the views, as the NOCASE columns did, and come
    /// back as loaded.
    func testNameFilters_stayCaseInsensitiveAndKeepTheSpelling() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        try OldDatabase.write(path, events: 400)
        let store = try SQLiteStore(path: path)
        XCTAssertEqual(try store.column("SELECT DISTINCT name COLLATE BINARY FROM processes WHERE name = 'cmd.exe' ORDER BY 1"),
                       ["CMD.EXE", "cmd.exe"])
        XCTAssertEqual(try count("SELECT 1 FROM processes WHERE parent_name = 'SERVICES.EXE'", store), 400)
        XCTAssertEqual(try count("SELECT 1 FROM network_connections WHERE name = 'services.exe'", store), 400)
    }

    /// A filter on an interned column of a view is a seek in the dictionary and in a row index,
    /// never a scan of the events.
    func testFiltersOnInternedColumns_useIndexes() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        let cases: [(String, String)] = [
            ("SELECT * FROM processes WHERE parent_name = ?1", "processes_by_parent_name"),
            ("SELECT * FROM processes WHERE name = ?1", "processes_by_name"),
            ("SELECT * FROM process_events WHERE name = ?1", "processes_by_name"),
            ("SELECT * FROM processes WHERE host_id = 1 AND entity_id = ?1", "processes_by_entity"),
            ("SELECT * FROM processes WHERE host_id = 1 AND parent_entity_id = ?1", "processes_by_parent"),
            ("SELECT * FROM network_connections WHERE host_id = 1 AND entity_id = ?1", "network_by_entity"),
            ("SELECT * FROM network_connections WHERE name = ?1", "network_by_name"),
            ("SELECT * FROM network_events WHERE source_ip = ?1", "network_by_source"),
            ("SELECT * FROM network_connections WHERE destination_ip = ?1 AND destination_port = 445", "network_by_destination"),
        ]
        for (sql, index) in cases {
            let plan = try self.plan(sql, store)
            XCTAssertTrue(plan.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") },
                          "\(sql): \(plan)")
            XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN") }, "\(sql): \(plan)")
        }
    }

    /// The saved hunts that look up one entity or one host's time range stay index-driven.
    func testSavedHuntPlans_doNotScanTheEventTables() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        let values: [String: RowValue] = ["entity_id": .text("d273d0f0-8078-5f67-cb06-000000000800"), "host": .text("WS1"),
                                          "at": .integer(1_793_527_200_000_000), "minutes": .integer(10), "max_depth": .integer(10)]
        for id in ["process_tree", "process_connections", "host_timeline"] {
            let hunt = try SavedHunt.find(id, in: SavedHunt.builtIn())
            let statement = try store.database.prepare("EXPLAIN QUERY PLAN " + hunt.query.sql, purpose: "plan")
            for (name, value) in values {
                if let index = statement.parameterIndex(name) { try statement.bind(value, at: index) }
            }
            var plan: [String] = []
            while try statement.step() { plan.append(statement.text(3) ?? "") }
            let scans = plan.filter { $0.hasPrefix("SCAN") && ($0.contains("process_rows") || $0.contains("network_rows") || $0 == "SCAN p" || $0 == "SCAN n") }
            XCTAssertEqual(scans, [], "\(id): \(plan)")
        }
    }

    private func count(_ sql: String, _ store: SQLiteStore) throws -> Int64 {
        try store.database.scalarInt("SELECT count(*) FROM (\(sql))", purpose: "test") ?? -1
    }

    private func plan(_ sql: String, _ store: SQLiteStore) throws -> [String] {
        let statement = try store.database.prepare("EXPLAIN QUERY PLAN " + sql, purpose: "plan")
        statement.bind("x", at: 1)
        var plan: [String] = []
        while try statement.step() { plan.append(statement.text(3) ?? "") }
        return plan
    }
}
