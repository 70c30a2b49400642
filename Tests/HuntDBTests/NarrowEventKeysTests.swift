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
        let attach = try store.database.prepare("ATTACH DATABASE ?1 AS old", purpose: "test")
        attach.bind(reference, at: 1)
        try attach.run()
        for relation in ["process_rows", "network_rows", "processes", "network_connections", "process_events", "network_events"] {
            XCTAssertEqual(try count("SELECT * FROM main.\(relation)", store), 2_000, relation)
            XCTAssertEqual(try count("SELECT * FROM old.\(relation) EXCEPT SELECT * FROM main.\(relation)", store), 0, relation)
            XCTAssertEqual(try count("SELECT * FROM main.\(relation) EXCEPT SELECT * FROM old.\(relation)", store), 0, relation)
        }
        for relation in ["entities", "names", "strings"] {
            XCTAssertGreaterThan(try count("SELECT * FROM main.\(relation)", store), 0, relation)
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

    /// A lower-case GUID is stored as its 16 bytes, any other id as text; `entities` and the
    /// event views show the text as loaded, and a filter on it seeks the text index.
    func testEntityIds_lowerCaseGUIDsAreStoredAsBytesAndShownAsText() throws {
        let scratch = try Scratch()
        let guid = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
        let path = try scratch.write("a.ndjson", lines: [
            SysmonFixture.process(record: 1, ms: 0, guid: guid, image: #"C:\Windows\System32\cmd.exe"#),
            SysmonFixture.network(record: 2, ms: 5, guid: guid),
        ])
        let store = try scratch.store()
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        let shown = try store.column("SELECT entity_id FROM processes")
        XCTAssertEqual(shown, ["5770385f-c22a-43e0-bf4c-06f5698ffbd9"])
        XCTAssertEqual(try store.column("SELECT entity_id FROM network_connections"), shown)
        XCTAssertEqual(try store.column("""
            SELECT typeof(k.value) || ':' || length(k.value) FROM entity_keys AS k JOIN process_rows AS p ON p.entity_ref = k.entity_ref
            """), ["blob:16"])
        // Texts that are not a lower-case GUID stay text, the same through the view.
        try store.database.execute("INSERT INTO entity_keys (value) VALUES ('security:ws1:1:4242:1793527200'), ('ABC'), ('')",
                                   purpose: "test")
        XCTAssertEqual(try store.column("SELECT typeof(value) || ':' || value FROM entities WHERE entity_ref > 2 ORDER BY entity_ref"),
                       ["text:security:ws1:1:4242:1793527200", "text:ABC", "text:"])
        // The text form is unique: the same GUID as text is refused like a second copy.
        XCTAssertThrowsError(try store.database.execute(
            "INSERT INTO entity_keys (value) VALUES ('5770385f-c22a-43e0-bf4c-06f5698ffbd9')", purpose: "test"))
        let plan = try store.database.prepare("EXPLAIN QUERY PLAN SELECT entity_ref FROM entities WHERE value = ?1", purpose: "test")
        plan.bind("x", at: 1)
        var lines: [String] = []
        while try plan.step() { lines.append(plan.text(3) ?? "") }
        XCTAssertEqual(lines, ["SEARCH entity_keys USING INDEX entity_keys_by_text (<expr>=?)"])
    }

    func testEntityKeyBytes_packsOnlyTheExactLowerCaseForm() {
        func packed(_ text: String) -> [UInt8]? {
            var text = text
            return text.withUTF8 { EntityKeyBytes.packed(UnsafeRawBufferPointer($0)) }
        }
        XCTAssertEqual(packed("b2e797f1-8101-6ae6-7005-000000000800"),
                       [0xb2, 0xe7, 0x97, 0xf1, 0x81, 0x01, 0x6a, 0xe6, 0x70, 0x05, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00])
        for text in ["B2E797F1-8101-6AE6-7005-000000000800", "{b2e797f1-8101-6ae6-7005-000000000800}",
                     "b2e797f1-8101-6ae6-7005-00000000080", "b2e797f1-8101-6ae6-7005-0000000008000", "b2e797f1x8101-6ae6-7005-000000000800",
                     "g2e797f1-8101-6ae6-7005-000000000800", ""] {
            XCTAssertNil(packed(text), text)
        }
    }

    private func count(_ sql: String, _ store: SQLiteStore) throws -> Int64 {
        try store.database.scalarInt("SELECT count(*) FROM (\(sql))", purpose: "test") ?? -1
    }
}
