import Foundation
@testable import Store
import XCTest

/// The work after a load's reading (index builds, the kept alert context) runs with a 16 MiB
/// page cache, which also bounds each sort's memory, and the writer gets its 64 MiB back after,
/// also when that work fails.
final class BoundedCacheTests: XCTestCase {
    private func cacheSize(_ store: SQLiteStore) throws -> Int64? {
        try store.database.scalarInt("PRAGMA cache_size", purpose: "test")
    }

    func testBoundedWork_runsWithTheSmallCache_andRestoresTheWritersCache() throws {
        let scratch = try Scratch()
        let store = try SQLiteStore(path: scratch.path("case.db"))
        XCTAssertEqual(try cacheSize(store), -Int64(Database.writerCacheKibibytes))
        let inside = try store.database.withBoundedCache(purpose: "a test") { try cacheSize(store) }
        XCTAssertEqual(inside, -Int64(Database.boundedCacheKibibytes))
        XCTAssertEqual(try cacheSize(store), -Int64(Database.writerCacheKibibytes))

        struct Failed: Error {}
        XCTAssertThrowsError(try store.database.withBoundedCache(purpose: "a failing test") { throw Failed() })
        XCTAssertEqual(try cacheSize(store), -Int64(Database.writerCacheKibibytes), "restored after a failure too")
    }

    func testKeepingTheContext_andRebuildingIndexes_leaveTheWritersCache() throws {
        let scratch = try Scratch()
        let store = try SQLiteStore(path: scratch.path("case.db"))
        try store.deferIndexes()
        XCTAssertGreaterThan(try store.rebuildDeferredIndexes { _ in }, 0, "indexes were deferred and built again")
        XCTAssertEqual(try cacheSize(store), -Int64(Database.writerCacheKibibytes))
        _ = try store.keepAlertContext()
        XCTAssertEqual(try cacheSize(store), -Int64(Database.writerCacheKibibytes))
    }
}
