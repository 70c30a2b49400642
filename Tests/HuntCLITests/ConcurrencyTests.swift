import Foundation
import XCTest

/// Readers and a second writer while `hunt load` writes: WAL, a busy timeout and short write
/// transactions mean nobody fails with "database is locked", and nothing is stored twice.
final class ConcurrencyTests: XCTestCase {
    /// `hunt sql`, `hunt stats`, `hunt detect` and `hunt check` run in a loop during a load; each
    /// succeeds and sees a count that never goes down.
    func testConcurrency_readersDuringALoadNeverSeeALock() throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("corpus.json")
        try Harness.generate("sysmon-flat", events: 20000, to: input)
        let db = dir.path("case.db")
        // A first small load creates the schema, so readers never race the database's creation.
        let seed = dir.path("seed.json")
        try Harness.generate("sysmon-flat", events: 800, to: seed)
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, "--format", "sysmon-flat", seed]).status, 0)

        let load = try Harness.Background(["load", "--db", db, input], in: dir, name: "load")
        var runs = 0, lastCount = -1
        let commands: [[String]] = [
            ["sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM processes"],
            ["stats", "--db", db, "--format", "csv"],
            ["detect", "--db", db, "--format", "csv"],
            ["check", db],
        ]
        repeat {
            let arguments = commands[runs % commands.count]
            let result = try HuntProcess.run(arguments)
            runs += 1
            let context = "hunt \(arguments[0]) during a load: \(result.stderr)"
            XCTAssertFalse(result.stderr.contains("locked") || result.stderr.contains("busy"), context)
            if arguments[0] == "detect" {
                XCTAssertTrue(result.status == 0 || result.status == 2, context)
            } else {
                XCTAssertEqual(result.status, 0, context)
            }
            if arguments[0] == "sql", let count = Int(result.stdout.split(separator: "\r\n").last ?? "") {
                XCTAssertGreaterThanOrEqual(count, lastCount, "the count never goes down")
                lastCount = count
            }
        } while load.process.isRunning
        XCTAssertEqual(load.wait(), 0, load.stderr)
        XCTAssertGreaterThanOrEqual(runs, 4, "the readers ran while the load wrote")
        let stored = try Harness.storedEvents(db)
        XCTAssertGreaterThanOrEqual(stored, 20000)
        XCTAssertEqual(try Harness.distinctIdentities(db), stored, "nothing stored twice")
        try Harness.assertSound(db, "after the load")
        print("concurrency: \(runs) reader commands during one load, none locked out")
    }

    /// Two loads of overlapping inputs into one new database at once: both finish, each event is
    /// stored once, and the sources account for it exactly once.
    func testConcurrency_twoLoadsAtOnceSerializeWithoutDuplicates() throws {
        let dir = try TemporaryDirectory()
        let a = dir.path("a.json"), b = dir.path("b.xml")
        try Harness.generate("sysmon-flat", events: 3000, to: a)
        try Harness.generate("xml", events: 3000, to: b)  // the same events (same seed) as XML
        let db = dir.path("case.db")
        for round in 0..<2 {
            let first = try Harness.Background(["load", "--db", db, a], in: dir, name: "a\(round)")
            let second = try Harness.Background(["load", "--db", db, b, a], in: dir, name: "b\(round)")
            XCTAssertEqual(first.wait(), 0, "round \(round), first load: \(first.stderr)")
            XCTAssertEqual(second.wait(), 0, "round \(round), second load: \(second.stderr)")
            XCTAssertEqual(try Harness.storedEvents(db), 3000, "round \(round)")
            XCTAssertEqual(try Harness.distinctIdentities(db), 3000, "round \(round)")
            XCTAssertEqual(try Harness.scalar(db, "SELECT sum(records_loaded) FROM sources"), 3000, "round \(round)")
            XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM hosts"), 4, "round \(round): hosts once")
            try Harness.assertSound(db, "round \(round)")
        }
    }
}
