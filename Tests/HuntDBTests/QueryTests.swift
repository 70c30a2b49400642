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
        XCTAssertEqual(hunts.count, 10)
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
                        "deferred_indexes", "process_events", "network_events", "lifecycle_events", "host_volumes",
                        "process_rows", "network_rows", "names", "entities", "strings", "texts",
                        "logons", "service_installs", "command_line_evidence",
                        "connection_context", "child_context", "connection_context_state", "connection_context_changes"])
        for entry in entries { XCTAssertFalse(entry.description.isEmpty, "\(entry.object).\(entry.column ?? "")") }
    }

    func testQuery_TableFitsTheTerminalByNarrowingPathsAndTextOnly() {
        let kinds: [ColumnKind] = [.atomic, .text, .path]
        func fit(_ total: Int) -> [Int]? {
            TableWriter.fit([10, 48, 30], kinds: kinds, dataWidths: [10, 48, 30], headers: [4, 4, 4], minimums: [8, 8, 12], into: total)
        }
        XCTAssertEqual(fit(200), [10, 48, 30])
        XCTAssertEqual(fit(60), [10, 23, 23])
        XCTAssertEqual(fit(34), [10, 8, 12], "text to its narrowest, the path keeps its file name, the atomic column whole")
        XCTAssertNil(fit(20), "cannot fit without cutting a value that must stay whole: records instead")
        let long = [4, 8, 21]
        XCTAssertEqual(TableWriter.fit(long.map { $0 }, kinds: [.atomic, .text, .atomic], dataWidths: [4, 40, 1], headers: [4, 8, 21],
                                       minimums: [8, 8, 8], into: 30), [4, 8, 12], "a long header over short values is cut")
    }

    func testQuery_ColumnKindsDecideHowValuesAreShortened() {
        XCTAssertEqual(ColumnKind.classify(name: "child_executable", samples: []), .path)
        XCTAssertEqual(ColumnKind.classify(name: "child_command_line", samples: ["a b"]), .text)
        XCTAssertEqual(ColumnKind.classify(name: "time", samples: ["2020-09-20T16:16:56.597Z"]), .atomic)
        XCTAssertEqual(ColumnKind.classify(name: "x", samples: ["d273d0f0-8078-5f67-cb06-000000000800", "42"]), .atomic)
        XCTAssertEqual(ColumnKind.classify(name: "x", samples: [#"C:\Windows\System32\cmd.exe"#]), .path)
        XCTAssertEqual(ColumnKind.path.fit(#"C:\Windows\System32\cmd.exe"#, width: 16), #"C:\…em32\cmd.exe"#)
        XCTAssertEqual(ColumnKind.path.fit(#"C:\Windows\System32\cmd.exe"#, width: 9), #"…\cmd.exe"#)
        XCTAssertEqual(ColumnKind.text.fit("cmd.exe /c whoami", width: 8), "cmd.exe…")
        XCTAssertEqual(ColumnKind.atomic.fit("d273d0f0-8078-5f67-cb06-000000000800", width: 8), "d273d0f0-8078-5f67-cb06-000000000800")
    }
}
