import Foundation
import XCTest

/// `hunt sql` stays read-only under every trick: comments, mixed case, CTEs around DML,
/// RETURNING, EXPLAIN, pragma functions and schema-qualified pragmas, NUL bytes, quoting.
/// Each is refused (status 6) or fails to compile (status 1), and the file is unchanged.
final class HostileSqlTests: XCTestCase {
    func testHostileSql_everyTrickIsRefusedAndTheFileIsUnchanged() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        try Harness.generate("sysmon-flat", events: 800, to: dir.path("c.json"))
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, dir.path("c.json")]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let count = try Harness.storedEvents(db)
        let write = "the query tries to write"
        let cases: [(sql: String, status: Int32, says: String)] = [
            ("/* harmless */ DELETE FROM processes", 6, write),
            ("-- a comment\nDELETE FROM processes", 6, write),
            ("SELECT 1 /* ; */ ; DELETE FROM processes", 6, "second statement"),
            ("SELECT 1 -- ; \n; UPDATE hosts SET name = 'x'", 6, "second statement"),
            ("dElEtE fRoM processes", 6, write),
            ("uPdAtE hosts SeT name = 'x'", 6, write),
            ("WITH x AS (SELECT 1) DELETE FROM processes", 6, write),
            ("WITH x AS (SELECT 1) INSERT INTO hosts (host_key, name) SELECT 'k', 'n' FROM x", 6, write),
            ("WITH x AS (SELECT 1) UPDATE hosts SET name = 'x' WHERE host_id IN (SELECT * FROM x)", 6, write),
            ("WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3) REPLACE INTO hosts (host_id, host_key, name) SELECT n, 'k' || n, 'n' FROM x", 6, write),
            ("DELETE FROM processes RETURNING *", 6, write),
            ("INSERT INTO hosts (host_key, name) VALUES ('a', 'b') RETURNING host_id", 6, write),
            ("EXPLAIN DELETE FROM processes", 6, write),
            ("EXPLAIN QUERY PLAN UPDATE hosts SET name = 'x'", 6, write),
            ("PRAGMA main.user_version = 5", 6, "set a pragma"),
            ("pRaGmA Query_Only = 0", 6, "set a pragma"),
            ("PRAGMA \"journal_mode\" = DELETE", 6, "set a pragma"),
            ("PRAGMA journal_mode", 6, "not on the read-only list"),
            ("PRAGMA main.wal_checkpoint(TRUNCATE)", 6, "wal_checkpoint"),
            ("PRAGMA incremental_vacuum", 6, "incremental_vacuum"),
            ("PRAGMA optimize", 6, "optimize"),
            ("SELECT * FROM pragma_journal_mode('DELETE')", 6, "refused"),
            ("SELECT * FROM pragma_user_version(5)", 6, "refused"),
            ("SELECT * FROM pragma_query_only(0)", 6, "refused"),
            ("SELECT * FROM pragma_writable_schema", 6, "refused"),
            ("CREATE TEMP VIEW v AS SELECT 1", 6, write),
            ("CREATE VIRTUAL TABLE t USING fts5(x)", 6, write),
            ("ATTACH ':memory:' AS m", 6, "attach"),
            ("SELECT load_extension('libc.so.6')", 6, "load_extension"),
            ("SELECT fts3_tokenizer('simple')", 6, "fts3_tokenizer"),
            ("VACUUM", 6, "VACUUM"),
            ("ANALYZE", 6, write),
            ("RELEASE s", 6, "transactions"),
            ("COMMIT", 6, "transactions"),
        ]
        var runs = 0
        for (sql, status, says) in cases {
            // As the argument (unless it would read as an option) and from standard input.
            let ways: [([String], Data?)] = (sql.hasPrefix("-") ? [] : [(["sql", "--db", db, sql], nil)])
                + [(["sql", "--db", db, "--file", "-"], Data(sql.utf8))]
            for (arguments, stdin) in ways {
                let result = try HuntProcess.run(arguments, stdin: stdin)
                XCTAssertEqual(result.status, status, "\(sql): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(says), "\(sql): \(result.stderr)")
                XCTAssertEqual(result.stdout, "", sql)
                runs += 1
            }
        }
        // The same tricks from a file and from standard input, with a NUL byte hiding a second statement.
        let hidden = Data("SELECT 1\0; DELETE FROM processes".utf8)  // trick 35
        let file = dir.path("trick.sql")
        try hidden.write(to: URL(fileURLWithPath: file))
        for arguments in [["sql", "--db", db, "--file", file], ["sql", "--db", db, "-"]] {
            let result = try HuntProcess.run(arguments, stdin: hidden)
            XCTAssertNotEqual(result.status, 0, "\(arguments): \(result.stderr)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "the database file is byte-identical")
        XCTAssertEqual(try Harness.storedEvents(db), count)
        try Harness.assertSound(db, "after the tricks")
        print("hostile sql: \(cases.count + 1) tricks in \(runs + 2) runs refused, database byte-identical")
    }
}
