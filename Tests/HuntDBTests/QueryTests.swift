import Foundation
import XCTest
import HuntDB
@testable import Output
@testable import Store

/// Saved hunts, parameter values, time rendering, the schema description and the table fit.
final class QueryTests: XCTestCase {
    func testQuery_InferredValuesBindNumbersAsNumbers() {
        let cases: [(String, RowValue)] = [
            ("42", .integer(42)), ("-7", .integer(-7)), ("0", .integer(0)), ("0.5", .real(0.5)), ("-1.25", .real(-1.25)),
            ("1e3", .real(1000)), ("007", .text("007")), ("+1", .text("+1")), ("0x10", .text("0x10")), ("inf", .text("inf")),
            ("1,5", .text("1,5")), ("1.", .text("1.")), ("", .text("")), ("WS-0042", .text("WS-0042")),
            ("99999999999999999999", .text("99999999999999999999")),
        ]
        for (text, expected) in cases { XCTAssertEqual(QueryArguments.inferredValue(text), expected, text) }
    }

    func testQuery_ArgumentsParseNameEqualsValue() throws {
        let arguments = try QueryArguments(parsing: ["a=1", ":b=x=y", "c="])
        XCTAssertEqual(arguments.names, ["a", "b", "c"])
        XCTAssertEqual(arguments.values, ["a": "1", "b": "x=y", "c": ""])
        XCTAssertThrowsError(try QueryArguments(parsing: ["novalue"])) { XCTAssertEqual($0 as? QueryError, .malformedParameter("novalue")) }
        XCTAssertThrowsError(try QueryArguments(parsing: ["a=1", "a=2"])) { XCTAssertEqual($0 as? QueryError, .duplicateParameter("a")) }
    }

    /// Every embedded hunt parses, is named after its file, documents every parameter, and
    /// uses exactly the parameters it declares (checked by preparing it on a real schema).
    func testQuery_EveryBuiltInHuntIsWellFormed() throws {
        let hunts = try SavedHunt.builtIn()
        XCTAssertEqual(hunts.count, 7)
        let store = try SQLiteStore(path: ":memory:")
        try store.database.restrictToReading()
        for hunt in hunts {
            XCTAssertEqual(hunt.query.origin, "queries/hunts/\(hunt.id).sql")
            XCTAssertFalse(hunt.query.name.isEmpty || hunt.query.name == hunt.id, hunt.id)
            XCTAssertFalse(hunt.query.description.isEmpty, hunt.id)
            for parameter in hunt.query.parameters {
                XCTAssertFalse(parameter.help.isEmpty, "\(hunt.id): \(parameter.name)")
                if let text = parameter.defaultText { XCTAssertNoThrow(try parameter.value(from: text, now: 0), hunt.id) }
            }
            XCTAssertNoThrow(try hunt.prepare(on: store), hunt.id)
        }
    }

    func testQuery_ValuesUseDeclaredTypesAndDefaults() throws {
        let hunt = try SavedHunt.find("host_timeline", in: SavedHunt.builtIn())
        var arguments = try QueryArguments(parsing: ["host=WS1"])
        try arguments.set("at", "2026-11-01T10:00:00Z")
        let values = try hunt.values(for: arguments, now: 0)
        XCTAssertEqual(values, ["host": .text("WS1"), "at": .integer(1_793_527_200_000_000), "minutes": .integer(5)])
        XCTAssertThrowsError(try hunt.values(for: QueryArguments(parsing: ["host=WS1"]), now: 0)) {
            XCTAssertEqual($0 as? QueryError, .missingParameter(name: "at", help: hunt.parameterHelp["at"]))
        }
        XCTAssertThrowsError(try hunt.values(for: QueryArguments(parsing: ["host=WS1", "at=1h", "minutes=five"]), now: 0)) {
            XCTAssertEqual(($0 as? QueryError)?.description, "host_timeline: parameter minutes expects an integer, got \"five\"")
        }
    }

    func testQuery_UndeclaredOrUnusedParametersAreHuntDefects() throws {
        let store = try SQLiteStore(path: ":memory:")
        try store.database.restrictToReading()
        let unused = SavedHunt(query: try QueryFile(sql: "-- id: a\n-- param: x INTEGER = 1 -- x\nSELECT 1", origin: "a.sql"))
        XCTAssertThrowsError(try unused.prepare(on: store)) {
            XCTAssertEqual(($0 as? QueryError)?.description, "a.sql: the header declares :x but the SQL does not use it")
        }
        let undeclared = SavedHunt(query: try QueryFile(sql: "-- id: b\nSELECT :y", origin: "b.sql"))
        XCTAssertThrowsError(try undeclared.prepare(on: store)) {
            XCTAssertTrue(($0 as? QueryError)?.description.hasPrefix("b.sql: the SQL uses :y but the header does not declare it") == true)
        }
    }

    func testQuery_TimeColumnsAreRecognizedByName() {
        XCTAssertTrue(TimeColumns.isTimeColumn("ts_us"))
        XCTAssertTrue(TimeColumns.isTimeColumn("network_ts_us"))
        XCTAssertTrue(TimeColumns.isTimeColumn("started_at_us"))
        XCTAssertFalse(TimeColumns.isTimeColumn("status"))
        XCTAssertFalse(TimeColumns.isTimeColumn("delta_us"))
        let rendered = TimeColumns(columns: ["ts_us", "n"]).render([.integer(1_793_527_200_123_000), .integer(1)])
        XCTAssertEqual(rendered, [.text("2026-11-01T10:00:00.123Z"), .integer(1)])
        XCTAssertEqual(TimeColumns(columns: ["ts_us"]).render([.null]), [.null])
    }

    func testQuery_SchemaDescriptionCoversEveryColumn() throws {
        let store = try SQLiteStore(path: ":memory:")
        let entries = try SchemaDescription(database: store.database).entries()
        XCTAssertEqual(Set(entries.filter { $0.column == nil }.map(\.object)),
                       ["hosts", "sources", "rejects", "warnings", "processes", "network_connections", "schema_migrations",
                        "deferred_indexes", "process_events", "network_events", "lifecycle_events", "host_volumes"])
        for entry in entries { XCTAssertFalse(entry.description.isEmpty, "\(entry.object).\(entry.column ?? "")") }
    }

    func testQuery_TableFitsTheTerminalByNarrowingTheWidestColumns() {
        XCTAssertEqual(TableWriter.fit([10, 48, 30], into: 200), [10, 48, 30])
        XCTAssertEqual(TableWriter.fit([10, 48, 30], into: 60), [10, 23, 23])
        XCTAssertEqual(TableWriter.fit([10, 48, 30], into: 10), [6, 6, 6])
    }
}
