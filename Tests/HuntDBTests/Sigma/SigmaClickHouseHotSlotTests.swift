import XCTest
@testable import Detect
import Model

/// Which correlations ClickHouse reads through the hot-slot prefilter, and with what least
/// count (`SigmaClickHouseCorrelation+HotSlots`); the alerts themselves are compared with
/// SQLite's in `ClickHouseSigmaCorrelationCLITests`.
final class SigmaClickHouseHotSlotTests: XCTestCase {
    private func clickHouse(_ type: String, _ condition: String) throws -> SigmaClickHouseCorrelation {
        let body = """
            type: \(type)
            rules:
                - cmd
                - ps
            group-by:
                - Computer
            timespan: 1h
            condition:
            \(condition.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        let set = SigmaCorrelationHarness.set(SigmaCorrelationHarness.correlation(body) + "\n---\n" + SigmaCorrelationHarness.baseRules)
        let compiled = try XCTUnwrap(set.correlations.first, set.statuses.first?.reason ?? "")
        return try SigmaClickHouseCorrelation.compile(compiled).get()
    }

    func testHotSlots_floorIsTheLeastCountTheConditionNeeds() throws {
        XCTAssertEqual(try clickHouse("event_count", "gte: 500").hotSlotFloor, 500)
        XCTAssertEqual(try clickHouse("event_count", "gt: 499").hotSlotFloor, 500)
        XCTAssertEqual(try clickHouse("event_count", "gt: 3.5\nlte: 9").hotSlotFloor, 4)
        XCTAssertEqual(try clickHouse("event_count", "eq: 7").hotSlotFloor, 7)
        XCTAssertEqual(try clickHouse("value_count", "field: CommandLine\ngte: 3").hotSlotFloor, 3)
        // Nothing to gain or nothing safe: at most, a floor of 1, other types.
        XCTAssertNil(try clickHouse("event_count", "lt: 5").hotSlotFloor)
        XCTAssertNil(try clickHouse("event_count", "gte: 1").hotSlotFloor)
        XCTAssertNil(try clickHouse("event_count", "gt: 0.5").hotSlotFloor)
        XCTAssertNil(try clickHouse("value_sum", "field: ProcessId\ngte: 5000").hotSlotFloor)
        XCTAssertNil(try clickHouse("temporal", "gte: 2").hotSlotFloor)
    }

    func testHotSlots_queryBindsSpanAndFloorAndRestrictsEveryArm() throws {
        let correlation = try clickHouse("event_count", "gte: 500")
        let (sql, bindings) = try XCTUnwrap(correlation.eventsQuery(prefix: "ch_"))
        XCTAssertEqual(bindings["ch_k_span"], .integer(3_600_000_000))
        XCTAssertEqual(bindings["ch_k_floor"], .integer(500))
        XCTAssertFalse(sql.contains("3600000000"))
        XCTAssertFalse(sql.contains("500"))
        // Both rules' arms read only the needed slots, counted across the cluster.
        XCTAssertEqual(sql.components(separatedBy: "GLOBAL IN (SELECT g1, needed").count - 1, 2)
        XCTAssertTrue(sql.contains("pair_count >= :ch_k_floor"))
        let unfiltered = try XCTUnwrap(try clickHouse("event_count", "lt: 5").eventsQuery(prefix: "ch_"))
        XCTAssertFalse(unfiltered.sql.contains("needed"))
        XCTAssertNil(unfiltered.bindings["ch_k_span"])
    }
}
