import Foundation
import HuntDB
import Schema
@testable import Store
import XCTest

/// m0014: the events' identity (host, record key, time, content) is checked by the writer on a
/// (host, record key) index instead of a unique index over all four, and the host-time indexes
/// are gone. Duplicates and collisions are found exactly as before; an m0012 database upgrades
/// in place with every row and id kept.
final class NarrowEventKeysTests: XCTestCase {
    /// Same record twice (a duplicate), the same record id with another time (a collision, kept),
    /// below the host's greatest id and inside one transaction, then the whole file again.
    func testDuplicatesAndCollisions_areFoundWithoutAUniqueIndex() throws {
        let scratch = try Scratch()
        let guid = "{00000000-0000-0000-0000-000000000001}"
        let lines = [
            SysmonFixture.process(record: 10, ms: 0, guid: guid, image: #"C:\Windows\System32\cmd.exe"#),
            SysmonFixture.network(record: 11, ms: 5),
            SysmonFixture.network(record: 12, ms: 9),
            SysmonFixture.process(record: 10, ms: 0, guid: guid, image: #"C:\Windows\System32\cmd.exe"#),  // duplicate
            SysmonFixture.network(record: 11, ms: 6),  // same id, another time: kept, colliding
            SysmonFixture.network(record: 11, ms: 5),  // duplicate of the first 11
            SysmonFixture.network(record: 11, ms: 6),  // duplicate of the colliding one
        ]
        let path = try scratch.write("a.ndjson", lines: lines)
        let store = try scratch.store()
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        XCTAssertEqual(try store.column("SELECT records_loaded || ',' || records_duplicate || ',' || records_colliding FROM sources"),
                       ["4,3,1"])
        XCTAssertEqual(try store.column("SELECT count(*) FROM network_connections WHERE record_key = 11"), ["2"])
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        XCTAssertEqual(try store.column("SELECT records_loaded || ',' || records_duplicate FROM sources WHERE source_id = 2"), ["0,7"])
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])

        // No unique index over the event tables any more; the record-key indexes are kept through bulk loads.
        XCTAssertEqual(try store.column("""
            SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('process_rows', 'network_rows')
              AND (name LIKE 'sqlite_autoindex%' OR name LIKE '%by_host_time') ORDER BY name
            """), [])
        let droppable = try DeferredIndexes(database: store.database).droppable().map(\.name)
        XCTAssertFalse(droppable.contains("processes_by_record") || droppable.contains("network_by_record"), "\(droppable)")
        XCTAssertTrue(droppable.contains("processes_by_name"), "\(droppable)")
    }

    /// `hunt check` reports the same event stored twice, which no index refuses now.
    func testCheck_reportsTheSameEventStoredTwice() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.ndjson", lines: [SysmonFixture.network(record: 1, ms: 0)])
        let store = try scratch.store()
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        try store.database.execute("""
            INSERT INTO network_rows (host_id, ts_us, record_key, content_key, source_id, source_record, entity_ref, source_kind,
                ts_precision_us)
            SELECT host_id, ts_us, record_key, content_key, source_id, source_record, entity_ref, source_kind, ts_precision_us
            FROM network_rows
            """, purpose: "test")
        let problems = try StoreCheck(database: store.database).problems()
        XCTAssertTrue(problems.contains("network_connections: 1 events stored twice (same host, record key, time and content)"),
                      "\(problems)")
    }

    /// A database at m0012 (what main's binary wrote) upgrades in place: every row of the tables
    /// and of the views is the same, with the same ids, and the indexes are the new ones.
    func testUpgrade_fromM0012_keepsEveryRowAndId() throws {
        let scratch = try Scratch()
        let upgraded = scratch.path("upgraded.db"), reference = scratch.path("reference.db")
        try OldDatabase.write(upgraded, events: 2_000)
        do {
            let database = try Database(path: upgraded)
            try database.registerContentKeyFunction()
            try MigrationRunner(migrations: Migration.embedded.filter { $0.id < "m0013" }).migrate(database)
            XCTAssertEqual(try database.scalarInt(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_autoindex_process_rows_1'", purpose: "test"), 1)
        }
        try FileManager.default.copyItem(atPath: upgraded, toPath: reference)

        let store = try SQLiteStore(path: upgraded)
        XCTAssertEqual(try store.column("SELECT count(*) FROM schema_migrations WHERE id = 'm0014_narrow_event_keys'"), ["1"])
        // What `hunt load` reports: the migrations this open applied to the existing schema.
        XCTAssertEqual(store.schemaUpgrade?.migrations, Migration.embedded.map(\.id).filter { $0 >= "m0013" })
        XCTAssertNil(try SQLiteStore(path: upgraded).schemaUpgrade, "nothing left to apply")
        XCTAssertNil(try SQLiteStore(path: scratch.path("new.db")).schemaUpgrade, "a new file is created, not upgraded")
        let attach = try store.database.prepare("ATTACH DATABASE ?1 AS old", purpose: "test")
        attach.bind(reference, at: 1)
        try attach.run()
        for relation in ["process_rows", "network_rows", "processes", "network_connections", "process_events", "network_events"] {
            XCTAssertEqual(try count("SELECT * FROM main.\(relation)", store), 2_000, relation)
            XCTAssertEqual(try count("SELECT * FROM old.\(relation) EXCEPT SELECT * FROM main.\(relation)", store), 0, relation)
            XCTAssertEqual(try count("SELECT * FROM main.\(relation) EXCEPT SELECT * FROM old.\(relation)", store), 0, relation)
        }
        XCTAssertEqual(try store.column("""
            SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('process_rows', 'network_rows') ORDER BY name
            """), ["network_by_destination", "network_by_entity", "network_by_name", "network_by_record", "network_by_source",
                   "network_security_by_time", "processes_by_entity", "processes_by_name", "processes_by_parent",
                   "processes_by_parent_name", "processes_by_record", "processes_security_by_entity", "processes_security_by_pid",
                   "processes_security_by_time"])
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])
    }

    private func count(_ sql: String, _ store: SQLiteStore) throws -> Int64 {
        try store.database.scalarInt("SELECT count(*) FROM (\(sql))", purpose: "test") ?? -1
    }
}
