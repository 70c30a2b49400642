import Foundation
import HuntDB
import Model
@testable import Store
import XCTest

/// `scanTextColumns`: on SQLite it reads the compact tables' dictionaries and ids, and must hand
/// over exactly the texts the views show, event by event.
final class TextColumnScanTests: XCTestCase {
    /// Every column `InternedColumns` names is, in the views, the dictionary text its id points to.
    func testInternedColumns_matchTheViews() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        try OldDatabase.write(path, events: 500)
        let store = try SQLiteStore(path: path)
        for view in ["processes", "network_connections"] {
            let rows = try XCTUnwrap(InternedColumns.rows(of: view))
            for column in InternedColumns.columns(of: view) {
                let dictionary = try XCTUnwrap(InternedColumns.dictionary(of: column, in: view))
                let joined = """
                    FROM \(view) AS v JOIN \(rows) AS r USING (event_id)
                    LEFT JOIN \(dictionary.rawValue) AS d ON d.\(dictionary.key) = r.\(InternedColumns.reference(of: column))
                    """
                XCTAssertEqual(try store.column("SELECT count(*) \(joined) WHERE v.\(column) IS NOT d.value COLLATE BINARY"), ["0"],
                               "\(view).\(column)")
                XCTAssertEqual(try store.column("SELECT count(*) \(joined)"), ["500"], "\(view).\(column)")
            }
        }
    }

    /// The dictionary scan and the by-value scan describe the same events with the same texts.
    func testDictionaryScan_givesTheSameTextsAsReadingValues() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        try OldDatabase.write(path, events: 400)
        let store = try SQLiteStore(path: path)
        let scope: [String: RowValue] = ["since": .null, "until": .null, "host": .null]
        let filter = "(:since IS NULL OR e.ts_us >= :since) AND (:host IS NULL OR e.host_id = :host)"
        for view in ["processes", "network_connections"] {
            let columns = InternedColumns.columns(of: view)
            let interned = TextRecorder(), byValue = TextRecorder()
            try store.scanTextColumns(of: view, columns: columns, filter: filter, parameters: scope, purpose: "test", into: interned)
            try store.scanTextColumnsByValue(of: view, columns: columns, filter: filter, parameters: scope, purpose: "test", into: byValue)
            XCTAssertEqual(interned.events.count, 400, view)
            XCTAssertEqual(interned.events, byValue.events, view)
            XCTAssertTrue(interned.events.contains { row in row.value.contains { $0 != nil } }, view)
        }
        // The scope filter applies: an instant after every event leaves none.
        let none = TextRecorder()
        try store.scanTextColumns(of: "processes", columns: ["command_line"], filter: filter,
                                  parameters: ["since": .integer(Int64.max), "until": .null, "host": .null], purpose: "test", into: none)
        XCTAssertEqual(none.events.count, 0)
    }
}

/// Rebuilds each event's texts from the numbers, checking that numbers only grow.
private final class TextRecorder: TextColumnSink {
    var texts: [Int: String] = [:]
    var events: [Int64: [String?]] = [:]
    private var last = -1

    func text(_ number: Int, _ bytes: UnsafeRawBufferPointer) throws {
        XCTAssertGreaterThan(number, last)
        last = number
        texts[number] = String(decoding: bytes, as: UTF8.self)
    }

    func row(event: Int64, texts numbers: UnsafeBufferPointer<Int>) throws {
        events[event] = numbers.map { $0 < 0 ? nil : texts[$0]! }
    }
}
