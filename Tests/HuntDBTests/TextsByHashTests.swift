import Foundation
import HuntDB
import Schema
@testable import Store
import XCTest

/// m0017: command lines and `args` arrays live in `texts`, found by their `TextHash` instead of
/// a unique index over the text. The views read the same values; a load finds a text it stored
/// before (also across a hash collision); an m0016 database upgrades in place with every row,
/// id and schema object kept.
final class TextsByHashTests: XCTestCase {
    /// Two loads of the same file store each command line once; the second load is all
    /// duplicates; the views show every command line as loaded.
    func testLoadingTwice_storesEachCommandLineOnce() throws {
        let scratch = try Scratch()
        let lines = (0..<6).map { n in
            SysmonFixture.process(record: 10 + n, ms: n, guid: "{00000000-0000-0000-0000-00000000000\(n)}",
                                  image: #"C:\Windows\System32\cmd.exe"#, commandLine: #"cmd.exe /c "echo \#(n % 3)""#)
        }
        let path = try scratch.write("a.ndjson", lines: lines)
        let store = try scratch.store()
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        // 3 command lines, their 3 args arrays, the parent's command line.
        XCTAssertEqual(try store.column("SELECT count(*) FROM texts"), ["7"])
        XCTAssertEqual(try store.column("SELECT count(*) FROM texts WHERE hash = hunt_text_hash(value)"), ["7"])
        XCTAssertEqual(try store.column("SELECT count(*) FROM strings WHERE value LIKE 'cmd.exe /c%' OR value LIKE '[%'"), ["0"])
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        XCTAssertEqual(try store.column("SELECT records_loaded || ',' || records_duplicate FROM sources ORDER BY source_id"),
                       ["6,0", "0,6"])
        XCTAssertEqual(try store.column("SELECT count(*) FROM texts"), ["7"])
        XCTAssertEqual(try store.column("SELECT command_line || ' ' || args FROM processes ORDER BY record_key"),
                       (0..<6).map { #"cmd.exe /c "echo \#($0 % 3)" ["cmd.exe","/c","echo \#($0 % 3)"]"# })
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])
    }

    /// `hunt schema` names the dictionary each reference column points into.
    func testSchema_namesTheDictionaryOfEachReference() throws {
        let store = try SQLiteStore(path: ":memory:")
        let entries = try SchemaDescription(database: store.database).entries().filter { $0.object == "process_rows" }
        func described(_ column: String) -> String { entries.first { $0.column == column }?.description ?? "" }
        XCTAssertTrue(described("command_line_ref").contains("as an id in texts"), described("command_line_ref"))
        XCTAssertTrue(described("args_ref").contains("as an id in texts"), described("args_ref"))
        XCTAssertTrue(described("parent_command_line_ref").contains("as an id in texts"), described("parent_command_line_ref"))
        XCTAssertTrue(described("executable_ref").contains("as an id in strings"), described("executable_ref"))
        XCTAssertTrue(described("name_ref").contains("as an id in names"), described("name_ref"))
    }

    /// `hunt check` finds what the unique index used to refuse: a text stored twice, and a
    /// text under another hash (which a load would not find, and store again).
    func testCheck_reportsATextStoredTwiceOrUnderAnotherHash() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        try store.database.execute("""
            INSERT INTO texts (hash, value) VALUES (hunt_text_hash('a b'), 'a b'), (hunt_text_hash('a b'), 'a b'), (7, 'c d')
            """, purpose: "test")
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [
            "texts: 1 command lines or args arrays stored twice",
            "texts: 1 texts stored under another hash than their own (a load would not find them)",
        ])
    }

    /// A stored text with the same hash and another value is not taken for the new one.
    func testHashCollision_storesTheNewTextApart() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        let wanted = #"powershell.exe -enc AAAA"#
        try store.database.execute("INSERT INTO texts (hash, value) VALUES (hunt_text_hash('\(wanted)'), 'an impostor')",
                                   purpose: "test")
        let path = try scratch.write("a.ndjson", lines: [
            SysmonFixture.process(record: 1, ms: 0, guid: "{00000000-0000-0000-0000-000000000001}",
                                  image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#, commandLine: wanted),
        ])
        _ = try Loader(store: store, options: LoadOptions()).load([path])
        XCTAssertEqual(try store.column("SELECT command_line FROM processes"), [wanted])
        XCTAssertEqual(try store.column("SELECT value FROM texts WHERE hash = hunt_text_hash('\(wanted)') ORDER BY text_id"),
                       ["an impostor", wanted])
    }

    /// A database at m0016 upgrades in place: every row of the tables and views is the same,
    /// each moved text keeps its id, a text another column names stays in strings too, and
    /// every view, trigger and index of the old schema is still there.
    func testUpgrade_fromM0016_keepsEveryRowIdAndSchemaObject() throws {
        let scratch = try Scratch()
        let upgraded = scratch.path("upgraded.db"), reference = scratch.path("reference.db")
        try OldDatabase.write(upgraded, events: 2_000)
        try OldDatabase.migrate(upgraded, before: "m0017") { database in
            // 37 command lines with their args; every fifth row's command line is its image path
            // (a text two columns name).
            try database.execute("""
                WITH RECURSIVE i (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 300)
                INSERT INTO processes (event_id, host_id, ts_us, record_key, content_key, source_id, source_record, entity_id,
                    executable, name, command_line, args, parent_command_line, source_kind, ts_precision_us)
                SELECT 100000 + n, 1, 1793527300000000 + n, 100000 + n, n, 1, 100000 + n, printf('{%08x-1111-4000-8000-000000000000}', n),
                    'C:\\Tools\\t' || (n % 5) || '.exe', 't' || (n % 5) || '.exe',
                    CASE WHEN n % 5 = 0 THEN 'C:\\Tools\\t' || (n % 5) || '.exe' ELSE 'tool.exe /run ' || (n % 37) END,
                    CASE WHEN n % 5 = 0 THEN NULL ELSE '["tool.exe","/run","' || (n % 37) || '"]' END,
                    'C:\\Tools\\parent.exe --serve', 'sysmon', 1000
                FROM i;
                UPDATE sources SET records_read = records_read + 300, records_loaded = records_loaded + 300 WHERE source_id = 1;
                """, purpose: "writing more old process rows")
        }
        try FileManager.default.copyItem(atPath: upgraded, toPath: reference)

        let store = try SQLiteStore(path: upgraded)
        XCTAssertEqual(store.schemaUpgrade?.migrations, Migration.embedded.map(\.id).filter { $0 >= "m0017" })
        // What `hunt load` reports: the pages the moved texts and the rebuilt index left free.
        let free = try XCTUnwrap(store.schemaUpgrade?.freeBytes)
        XCTAssertGreaterThan(free, 0)
        XCTAssertEqual(try store.column("SELECT (SELECT freelist_count FROM pragma_freelist_count) * (SELECT page_size FROM pragma_page_size)"),
                       ["\(free)"])
        let attach = try store.database.prepare("ATTACH DATABASE ?1 AS old", purpose: "test")
        attach.bind(reference, at: 1)
        try attach.run()
        for relation in ["process_rows", "network_rows", "processes", "network_connections", "process_events", "network_events"] {
            XCTAssertEqual(try count("SELECT * FROM main.\(relation)", store), relation.contains("process") ? 2_300 : 2_000, relation)
            XCTAssertEqual(try count("SELECT * FROM old.\(relation) EXCEPT SELECT * FROM main.\(relation)", store), 0, relation)
            XCTAssertEqual(try count("SELECT * FROM main.\(relation) EXCEPT SELECT * FROM old.\(relation)", store), 0, relation)
        }
        XCTAssertEqual(try count("""
            SELECT 1 FROM old.sqlite_schema AS o
            WHERE NOT EXISTS (SELECT 1 FROM main.sqlite_schema AS m WHERE m.type = o.type AND m.name = o.name)
            """, store), 0, "a view, trigger, index or table of the old schema is gone")
        let moved = try count("""
            SELECT command_line_ref FROM old.process_rows UNION SELECT args_ref FROM old.process_rows
            UNION SELECT parent_command_line_ref FROM old.process_rows
            """, store) - 1  // the NULL
        XCTAssertGreaterThan(moved, 1)
        XCTAssertEqual(try count("SELECT * FROM texts", store), moved)
        XCTAssertEqual(try count("""
            SELECT 1 FROM texts AS t JOIN old.strings AS s ON s.string_id = t.text_id
            WHERE s.value = t.value AND t.hash = hunt_text_hash(t.value)
            """, store), moved)
        // The image paths used as command lines are also executables: kept in strings for that
        // column; every other moved text left strings.
        XCTAssertEqual(try store.column("""
            SELECT s.value FROM strings AS s JOIN texts AS t ON t.text_id = s.string_id
            WHERE s.value LIKE 'C:\\Tools\\%' ORDER BY 1
            """), [#"C:\Tools\t0.exe"#])
        XCTAssertEqual(try store.column("""
            SELECT count(*) FROM texts WHERE value LIKE 'tool.exe /run %' OR value LIKE '["tool.exe",%' OR value LIKE '%--serve'
            """), ["75"])
        XCTAssertEqual(try store.column("""
            SELECT count(*) FROM strings WHERE value LIKE 'tool.exe /run %' OR value LIKE '["tool.exe",%' OR value LIKE '%--serve'
            """), ["0"])
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])

        // Deleting through the view still deletes the row (its trigger came back with the view).
        try store.database.execute("DELETE FROM processes WHERE event_id = 1", purpose: "test")
        XCTAssertEqual(try store.column("SELECT count(*) FROM process_rows"), ["2299"])
    }

    private func count(_ sql: String, _ store: SQLiteStore) throws -> Int64 {
        try store.database.scalarInt("SELECT count(*) FROM (\(sql))", purpose: "test") ?? -1
    }
}
