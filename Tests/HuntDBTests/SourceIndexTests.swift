import Foundation
import HuntDB
import Schema
@testable import Store
import XCTest

/// m0018: network_by_source holds the source address and port, not the time. Pivots on an
/// address still seek it, and a database whose load was killed with the old index deferred
/// upgrades to the new one and loads on.
final class SourceIndexTests: XCTestCase {
    func testUpgrade_withTheOldIndexDeferred_createsTheNewOneAndLoadsOn() throws {
        let scratch = try Scratch()
        let path = scratch.path("old.db")
        try OldDatabase.migrate(path, before: "m0018")
        do {
            // What a load killed between dropping its indexes and rebuilding them leaves.
            let database = try Database(path: path)
            try DeferredIndexes(database: database).drop()
            XCTAssertTrue(try DeferredIndexes(database: database).pending().contains("network_by_source"))
        }
        let store = try SQLiteStore(path: path)
        XCTAssertEqual(try store.column("SELECT sql FROM sqlite_schema WHERE name = 'network_by_source'"),
                       ["CREATE INDEX network_by_source ON network_rows (source_ip_ref, source_port)"])
        XCTAssertFalse(try DeferredIndexes(database: store.database).pending().contains("network_by_source"))

        let file = try scratch.write("a.ndjson", lines: (0..<4).map { SysmonFixture.network(record: 1 + $0, ms: $0) })
        _ = try Loader(store: store, options: LoadOptions()).load([file])
        XCTAssertEqual(try DeferredIndexes(database: store.database).pending(), [])
        XCTAssertEqual(try store.column("SELECT count(*) FROM network_connections"), ["4"])
        let ip = try XCTUnwrap(store.column("SELECT source_ip FROM network_connections LIMIT 1").first)
        let plan = try store.database.prepare("EXPLAIN QUERY PLAN SELECT * FROM network_events WHERE source_ip = ?1", purpose: "test")
        plan.bind(ip, at: 1)
        var details: [String] = []
        while try plan.step() { details.append(plan.text(3) ?? "") }
        XCTAssertTrue(details.contains { $0.contains("USING INDEX network_by_source (source_ip_ref=?)") }, "\(details)")
        XCTAssertEqual(try StoreCheck(database: store.database).problems(), [])
    }
}
