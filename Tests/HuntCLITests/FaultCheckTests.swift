import Foundation
import HuntDB
@testable import Store
import XCTest

/// `hunt check` finds real damage: tampered counts, rows without their source or host, rejects
/// that do not add up, and a corrupted page; each with a sentence naming it and status 5.
final class FaultCheckTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.path("case.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
        let lines = [#"{"EventID":1,"Hostname":"WS1"}"#, "{broken"]  // one reject (no ProcessGuid), one malformed
        let input = dir.path("c.json")
        try Harness.generate("sysmon-flat", events: 800, to: input)
        let extra = try dir.write("extra.json", lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, input, extra]).status, 3)
        try Harness.assertSound(db, "the fresh database")
    }

    /// Changes the database through a writable connection, foreign keys off like an outside tool.
    private func tamper(_ sql: String) throws {
        let store = try SQLiteStore(path: db)
        try store.database.execute("PRAGMA foreign_keys = OFF", purpose: "tampering")
        try store.database.execute(sql, purpose: "tampering")
    }

    private func expectProblem(_ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try HuntProcess.run(["check", db])
        XCTAssertEqual(check.status, 5, check.stderr, file: file, line: line)
        XCTAssertTrue(check.stderr.contains("\(db): \(fragment)"), check.stderr, file: file, line: line)
    }

    func testCheck_countsThatDoNotAddUp() throws {
        try tamper("UPDATE sources SET records_read = records_read + 1 WHERE source_id = 1")
        try expectProblem("source 1 (\(dir.path("c.json"))): read 801 ≠ loaded 800 + duplicates 0 + not relevant 0 + rejected 0")
    }

    func testCheck_storedRowsThatTheCountsDoNotCover() throws {
        try tamper("UPDATE sources SET records_loaded = records_loaded - 1, records_duplicate = records_duplicate + 1 WHERE source_id = 1")
        try expectProblem("source 1 (\(dir.path("c.json"))): 800 stored events but 799 counted as loaded")
    }

    func testCheck_aDeletedRowIsNoticed() throws {
        try tamper("DELETE FROM processes WHERE event_id = (SELECT min(event_id) FROM processes)")
        try expectProblem("source 1 (\(dir.path("c.json"))): 799 stored events but 800 counted as loaded")
    }

    func testCheck_rejectsThatDoNotMatchTheirCount() throws {
        try tamper("DELETE FROM rejects WHERE reject_id = (SELECT min(reject_id) FROM rejects)")
        try expectProblem("source 2 (\(dir.path("extra.json"))): 1 rows in rejects but 2 counted as rejected")
    }

    func testCheck_rowsWhoseHostOrSourceIsGone() throws {
        try tamper("DELETE FROM hosts WHERE host_id = (SELECT min(host_id) FROM hosts)")
        try expectProblem("foreign key: row 1 of processes points to a missing hosts row")
    }

    func testCheck_aCorruptedPageIsAnIntegrityProblem() throws {
        do {
            let store = try SQLiteStore(path: db)
            try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)", purpose: "checkpointing")
        }
        // Overwrite the middle of an index page region with garbage, leaving the header intact.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: db))
        let size = try handle.seekToEnd()
        let pageSize: UInt64 = 4096
        let page = (size / pageSize) / 2
        try handle.seek(toOffset: page * pageSize + 8)
        try handle.write(contentsOf: Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
        try handle.close()
        let check = try HuntProcess.run(["check", db])
        XCTAssertNotEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.status == 5 ? check.stderr.contains("integrity:") : check.stderr.contains("malformed"), check.stderr)
    }

    func testCheck_aSoundDatabaseSaysOK() throws {
        let check = try HuntProcess.run(["check", db])
        XCTAssertEqual(check.status, 0)
        XCTAssertEqual(check.stderr, "\(db): ok (integrity, foreign keys and source counts agree)\n")
    }
}
