import Foundation
import HuntDB
@testable import Store
import XCTest

/// Killing `hunt` while it upgrades an old database to the compact store (m0009) leaves the old
/// schema or the new one with every event, never a mix; the next write finishes the upgrade.
final class CompactUpgradeCrashTests: XCTestCase {
    private static let events = 15_000

    /// The `hunt` binary next to the test runner (built by `swift test` with the test targets).
    private var hunt: URL {
        get throws {
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("hunt")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw XCTSkip("the hunt binary is not built next to the tests")
        }
    }

    /// `hunt load` of one small file into `db`, which upgrades it first; killed after `delay` µs when given.
    private func load(_ db: String, _ input: String, killAfter delay: UInt32?) throws -> Int32 {
        let process = Process()
        process.executableURL = try hunt
        process.arguments = ["load", "--quiet", "--db", db, input]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        if let delay {
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    private enum Found: Equatable { case old, new }

    /// Which schema the file holds; fails the test on a mix or on lost rows.
    private func schema(_ db: String, file: StaticString = #filePath, line: UInt = #line) throws -> Found {
        let database = try Database(path: db)
        func count(_ sql: String) throws -> Int64 { try database.scalarInt(sql, purpose: "test") ?? -1 }
        let upgraded = try count("SELECT count(*) FROM schema_migrations WHERE id = 'm0009_compact_store'") == 1
        let compactTables = try count("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('process_rows', 'network_rows', 'names', 'entities', 'strings')")
        let eventTables = try count("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('processes', 'network_connections')")
        let eventViews = try count("SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name IN ('processes', 'network_connections', 'process_events', 'network_events')")
        if upgraded {
            XCTAssertEqual([compactTables, eventTables, eventViews], [5, 0, 4], "a mix after a kill", file: file, line: line)
            // m0014 rewrites the compact tables in the same transaction: both or neither.
            XCTAssertEqual(try count("SELECT count(*) FROM schema_migrations WHERE id = 'm0014_narrow_event_keys'"), 1, file: file, line: line)
            XCTAssertEqual(try count("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_%_rows_%'"), 0, file: file, line: line)
        } else {
            XCTAssertEqual([compactTables, eventTables, eventViews], [0, 2, 2], "a mix after a kill", file: file, line: line)
        }
        XCTAssertEqual(try count("SELECT count(*) FROM processes"), Int64(Self.events), file: file, line: line)
        // The load adds one connection once the upgrade is done.
        XCTAssertTrue(try [Int64(Self.events), Int64(Self.events) + 1].contains(count("SELECT count(*) FROM network_connections")),
                      file: file, line: line)
        return upgraded ? .new : .old
    }

    func testKillDuringTheUpgrade_leavesTheOldOrTheNewSchemaAndTheNextLoadFinishesIt() throws {
        let scratch = try Scratch()
        let original = scratch.path("original.db")
        try OldDatabase.write(original, events: Self.events)
        let input = try scratch.write("one.ndjson", lines: [SysmonFixture.network(record: 1, ms: 0)])

        // An uninterrupted upgrade, timed, so the kills land before, during and after it.
        let timed = scratch.path("timed.db")
        try FileManager.default.copyItem(atPath: original, toPath: timed)
        let started = Date()
        XCTAssertEqual(try load(timed, input, killAfter: nil), 0)
        let micros = max(Date().timeIntervalSince(started) * 1_000_000, 50_000)
        XCTAssertEqual(try schema(timed), .new)

        var seen: [Found] = []
        for (trial, fraction) in [0.2, 0.5, 0.8].enumerated() {
            let db = scratch.path("kill\(trial).db")
            try FileManager.default.copyItem(atPath: original, toPath: db)
            _ = try load(db, input, killAfter: UInt32(micros * fraction))
            seen.append(try schema(db))
            XCTAssertEqual(try load(db, input, killAfter: nil), 0, "trial \(trial): the next load finishes the upgrade")
            XCTAssertEqual(try schema(db), .new)
            let store = try SQLiteStore(path: db, access: .readOnly)
            XCTAssertEqual(try StoreCheck(database: store.database).problems(), [], "trial \(trial)")
        }
        print("schema found after each kill: \(seen.map { $0 == .old ? "old" : "new" })")
    }
}
