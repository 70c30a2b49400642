import Foundation
import XCTest

/// `hunt sql` end to end with the real binary: formats, parameters, times, the read-only guard.
final class AnalystSqlTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var db: String!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(removedAfter: self)
        db = try AnalystFixture.database(AnalystFixture.caseLines + Self.trickyLines, in: directory)
    }

    /// Command lines with everything CSV must survive.
    static let trickyCommandLines = [
        #"cmd.exe /c "echo a,b" & echo "quoted""#,
        "powershell -c \"Write-Host 'two\nlines'\"\r\nthird",
        "notepad.exe C:\\Users\\Zoë\\résumé – 履歴書.txt",
        "=cmd|' /C calc'!A0",
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "\tleading tab",
        "\rleading carriage return",
        "plain",
    ]

    static var trickyLines: [String] {
        trickyCommandLines.enumerated().map { i, commandLine in
            AnalystFixture.process(host: "WS9.corp.example", record: i + 1, at: 300 + Double(i), guid: 900 + i,
                                   image: #"C:\Tools\t.exe"#, commandLine: commandLine, parent: 899, parentImage: AnalystFixture.cmd)
        }
    }

    private let trickySQL = "SELECT event_id, host, pid, command_line, time FROM process_events WHERE host = 'WS9.corp.example' ORDER BY event_id"

    private func hunt(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> HuntProcess.Result {
        try HuntProcess.run(["sql", "--db", db] + arguments, file: file, line: line)
    }

    // MARK: Formats

    func testSql_TableGoesToStdoutAndTheCountToStderr() throws {
        let result = try hunt(["SELECT name, pid FROM processes WHERE name = 'whoami.exe'"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "name        pid\n----------  ----\nwhoami.exe  4000\n")
        XCTAssertEqual(result.stderr, "(1 row)\n")
    }

    func testSql_TableTruncatesLongTextUnlessFullButNeverAWord() throws {
        let sql = "SELECT 'word ' || printf('%.55c', 'x') AS wide, 'ok' AS next"
        let cut = try hunt([sql])
        XCTAssertEqual(cut.stdout.split(separator: "\n")[2], Substring("word " + String(repeating: "x", count: 42) + "…  ok"))
        let full = try hunt([sql, "--full"])
        XCTAssertEqual(full.stdout.split(separator: "\n")[2], Substring("word " + String(repeating: "x", count: 55) + "  ok"))
        let id = try hunt(["SELECT printf('%.60c', 'x') AS id, 'ok' AS next"])
        XCTAssertEqual(id.stdout.split(separator: "\n")[2], Substring(String(repeating: "x", count: 60) + "  ok"), "one word (an id, a time) is never cut")
    }

    func testSql_TableShowsControlCharactersAsSpaces() throws {
        let result = try hunt(["SELECT 'a' || char(10) || 'b' || char(27) || '[31m' || char(155) || 'c' AS v"])
        XCTAssertEqual(result.stdout.split(separator: "\n")[2], "a b [31m c")
    }

    func testSql_JSONAndNDJSONKeepTypes() throws {
        let sql = "SELECT 1 AS i, 2.5 AS r, 'x' AS t, NULL AS n, x'00ff' AS b"
        let json = try hunt([sql, "--format", "json"])
        XCTAssertEqual(json.stdout, "[\n{\"i\":1,\"r\":2.5,\"t\":\"x\",\"n\":null,\"b\":\"00ff\"}\n]\n")
        let ndjson = try hunt([sql, "--format", "ndjson"])
        XCTAssertEqual(ndjson.stdout, "{\"i\":1,\"r\":2.5,\"t\":\"x\",\"n\":null,\"b\":\"00ff\"}\n")
        let empty = try hunt(["SELECT 1 AS i WHERE 0", "--format", "json"])
        XCTAssertEqual(empty.stdout, "[]\n")
        XCTAssertEqual(empty.stderr, "(0 rows)\n")
    }

    func testSql_OutputFileGetsTheRowsAndStdoutStaysEmpty() throws {
        let path = directory.path("out.csv")
        let result = try hunt(["SELECT name FROM hosts ORDER BY name", "--format", "csv", "--output", path])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       "name\r\nDC1.corp.example\r\nWS1.corp.example\r\nWS2.corp.example\r\nWS9.corp.example\r\n")
    }

    /// Rows stream: exporting 400,000 rows stays far below what holding them would take.
    func testSql_ExportStreamsWithFlatMemory() throws {
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400000) " +
            "SELECT x, 'row ' || x || ', with \"quotes\"' AS t, x AS ts_us FROM c"
        let path = directory.path("big.ndjson")
        // Measure this run alone (getrusage(RUSAGE_CHILDREN) would report the largest child of
        // the whole test process, whichever test started it).
        let (result, peakMiB, _) = try Harness.runMeasured(["sql", "--db", db, sql, "--format", "ndjson", "--output", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "(400000 rows)\n")
        if let peakMiB {
            XCTAssertLessThan(peakMiB, 80, "peak resident size of the export, in MiB")
        }
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertGreaterThan(size, 400_000 * 40)
    }

    // MARK: CSV

    /// The CSV, parsed back with a strict RFC 4180 reader, equals the JSON output.
    func testSql_CSVRoundTripEqualsJSON() throws {
        let csv = try hunt([trickySQL, "--format", "csv", "--csv-raw"])
        let json = try hunt([trickySQL, "--format", "json"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let parsed = try RFC4180.parse(csv.stdout)
        let objects = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdoutData) as? [[String: Any]])
        let columns = ["event_id", "host", "pid", "command_line", "time"]
        XCTAssertEqual(parsed.first, columns)
        XCTAssertEqual(objects.count, Self.trickyCommandLines.count)
        XCTAssertEqual(Array(parsed.dropFirst()), objects.map { object in columns.map { Self.csvText(object[$0]) } })
        XCTAssertEqual(objects.map { $0["command_line"] as? String }, Self.trickyCommandLines)
    }

    /// By default formula-like text cells get a leading `'`; the rest is unchanged.
    func testSql_CSVNeutralizesFormulaCellsByDefault() throws {
        let csv = try hunt([trickySQL, "--format", "csv"])
        let commandLines = try RFC4180.parse(csv.stdout).dropFirst().map { $0[3] }
        let expected = Self.trickyCommandLines.map { text -> String in
            let risky: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
            return text.first.map(risky.contains) == true ? "'" + text : text
        }
        XCTAssertEqual(commandLines, expected)
        XCTAssertEqual(commandLines[3], "'=cmd|' /C calc'!A0")
        // Numbers are data, not formulas: a negative integer stays a number.
        let negative = try hunt(["SELECT -5 AS n, '-5' AS t", "--format", "csv"])
        XCTAssertEqual(negative.stdout, "n,t\r\n-5,'-5\r\n")
    }

    private static func csvText(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let number as NSNumber: return number.stringValue
        case let text as String: return text
        default: return "\(value!)"
        }
    }

    // MARK: Times

    func testSql_TsUsColumnsPrintAsISOUnlessRaw() throws {
        let sql = "SELECT ts_us, ts_us AS first_ts_us, ts_us + 0 AS plain FROM processes WHERE name = 'whoami.exe'"
        let iso = try hunt([sql, "--format", "csv"])
        let expected = AnalystFixture.iso(40)
        XCTAssertEqual(iso.stdout, "ts_us,first_ts_us,plain\r\n\(expected),\(expected),\(AnalystFixture.baseMicros + 40_000_000)\r\n")
        let raw = try hunt([sql, "--format", "csv", "--no-iso-times"])
        let micros = AnalystFixture.baseMicros + 40_000_000
        XCTAssertEqual(raw.stdout, "ts_us,first_ts_us,plain\r\n\(micros),\(micros),\(micros)\r\n")
    }

    // MARK: Parameters

    func testSql_ParamsBindNumbersAsNumbers() throws {
        let result = try hunt(["SELECT typeof(:a) AS a, typeof(:b) AS b, typeof(:c) AS c, typeof(:d) AS d, :d AS d_value",
                               "--param", "a=42", "--param", "b=-0.5", "--param", "c=WS1", "--param", "d=007", "--format", "csv"])
        XCTAssertEqual(result.stdout, "a,b,c,d,d_value\r\ninteger,real,text,text,007\r\n")
    }

    func testSql_ParamsFilterRows() throws {
        let result = try hunt(["SELECT name FROM processes WHERE pid = :pid AND name = :name",
                               "--param", "pid=4000", "--param", "name=whoami.exe", "--format", "csv"])
        XCTAssertEqual(result.stdout, "name\r\nwhoami.exe\r\n")
    }

    func testSql_SinceAndUntilBindMicroseconds() throws {
        let result = try hunt(["SELECT count(*) AS n FROM processes WHERE ts_us >= :since AND ts_us < :until",
                               "--since", AnalystFixture.baseISO, "--until", "2026-11-01T10:00:30Z", "--format", "csv"])
        XCTAssertEqual(result.stdout, "n\r\n4\r\n")  // at 10 s, 15 s, 20 s, 25 s
    }

    func testSql_UnknownAndMissingParamsAreErrors() throws {
        let unknown = try hunt(["SELECT :a AS a", "--param", "a=1", "--param", "b=2"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("hunt sql: the query has no parameter :b (it uses :a)."), unknown.stderr)
        let missing = try hunt(["SELECT :a AS a"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.contains("hunt sql: the query needs a value for :a: pass --param a=VALUE."), missing.stderr)
        let unused = try hunt(["SELECT 1", "--since", "2d"])
        XCTAssertTrue(unused.stderr.contains("the query has no parameter :since (it takes none)"), unused.stderr)
        XCTAssertEqual(unknown.stdout + missing.stdout + unused.stdout, "")
    }

    func testSql_FileAndStandardInput() throws {
        let path = try directory.write("q.sql", "-- count hosts\nSELECT count(*) AS n FROM hosts;\n-- done\n")
        XCTAssertEqual(try hunt(["-f", path, "--format", "csv"]).stdout, "n\r\n4\r\n")
        let piped = try HuntProcess.run(["sql", "--db", db, "-f", "-", "--format", "csv"], stdin: Data("SELECT 7 AS n".utf8))
        XCTAssertEqual(piped.stdout, "n\r\n7\r\n")
    }

    func testSql_SQLErrorIsFatalWithSQLitesMessage() throws {
        let result = try hunt(["SELECT * FROM no_such_table"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("SQLite error 1 (no such table: no_such_table) while running hunt sql"), result.stderr)
    }

    // MARK: Read-only

    /// Every kind of write is refused with a sentence and status 6, and the file is unchanged.
    func testSql_WritesAreRefusedAndTheDatabaseIsByteIdentical() throws {
        let attached = directory.path("other.db")
        let output = directory.path("must-not-exist.csv")
        let cases: [(String, String)] = [
            ("INSERT INTO hosts (host_key, name) VALUES ('x', 'x')", "the query tries to write (INSERT). hunt sql is read-only."),
            ("UPDATE processes SET name = 'x'", "the query tries to write (UPDATE). hunt sql is read-only."),
            ("DELETE FROM processes", "the query tries to write (DELETE). hunt sql is read-only."),
            ("DROP TABLE processes", "the query tries to write (DROP). hunt sql is read-only."),
            ("DROP VIEW process_events", "the query tries to write (DROP). hunt sql is read-only."),
            ("CREATE TABLE t (a INTEGER)", "the query tries to write (CREATE). hunt sql is read-only."),
            ("CREATE TEMP TABLE t (a INTEGER)", "the query tries to write (CREATE). hunt sql is read-only."),
            ("CREATE INDEX i ON hosts (name)", "the query tries to write (CREATE). hunt sql is read-only."),
            ("ALTER TABLE hosts ADD COLUMN z TEXT", "the query tries to write (ALTER TABLE). hunt sql is read-only."),
            ("ATTACH DATABASE '\(attached)' AS other", "the query tries to attach a database (ATTACH). hunt sql is read-only."),
            ("PRAGMA writable_schema = ON", "the query tries to set a pragma (PRAGMA writable_schema = ON). hunt sql is read-only."),
            ("PRAGMA query_only = OFF", "the query tries to set a pragma (PRAGMA query_only = OFF). hunt sql is read-only."),
            ("PRAGMA user_version = 7", "the query tries to set a pragma (PRAGMA user_version = 7). hunt sql is read-only."),
            ("SELECT load_extension('/tmp/nothing.so')", "the query tries to load an extension (load_extension). hunt sql is read-only."),
            ("VACUUM INTO '\(directory.path("copy.db"))'", "the query is not read-only (VACUUM). hunt sql is read-only."),
            ("REINDEX", "the query tries to write (REINDEX). hunt sql is read-only."),
            ("BEGIN IMMEDIATE", "the query tries to control transactions (BEGIN, COMMIT, ROLLBACK or SAVEPOINT). hunt sql is read-only."),
            ("SELECT 1; DELETE FROM processes", "the text holds a second statement (DELETE FROM processes): run one statement per call."),
            ("SELECT 1; SELECT 2", "the text holds a second statement (SELECT 2): run one statement per call."),
        ]
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for (sql, message) in cases {
            let result = try hunt([sql, "--output", output])
            XCTAssertEqual(result.status, 6, sql)
            XCTAssertEqual(result.stderr, "hunt sql: refused: \(message)\n", sql)
            XCTAssertEqual(result.stdout, "", sql)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: attached))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path("copy.db")))
        XCTAssertEqual(try hunt(["SELECT count(*) FROM processes", "--format", "csv"]).stdout, "count(*)\r\n19\r\n")
    }

    func testSql_ReadOnlyPragmasAndTrailingCommentsAreAllowed() throws {
        let pragma = try hunt(["PRAGMA table_info(hosts)", "--format", "csv"])
        XCTAssertEqual(pragma.status, 0, pragma.stderr)
        XCTAssertTrue(pragma.stdout.hasPrefix("cid,name,type,notnull,dflt_value,pk\r\n0,host_id,INTEGER,0,,1\r\n"))
        let trailing = try hunt(["SELECT 1 AS one; -- done\n/* really */ ;", "--format", "csv"])
        XCTAssertEqual(trailing.status, 0, trailing.stderr)
        XCTAssertEqual(trailing.stdout, "one\r\n1\r\n")
    }
}
