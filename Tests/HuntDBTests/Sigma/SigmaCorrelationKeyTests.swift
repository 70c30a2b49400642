import XCTest
@testable import Detect
import Model

/// The ClickHouse walker groups and counts distinct values by their UTF-8 bytes, as SQLite's
/// `GROUP BY` and `count(DISTINCT)` do, not by Swift's canonical equivalence of strings.
final class SigmaCorrelationKeyTests: XCTestCase {
    private let precomposed = "caf\u{E9}"
    private let decomposed = "cafe\u{301}"

    private func walker(_ type: String, _ condition: String) throws -> SigmaCorrelationWalker {
        let body = """
            type: \(type)
            rules:
                - cmd
            group-by:
                - Computer
            timespan: 1h
            condition:
            \(condition.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        let set = SigmaCorrelationHarness.set(SigmaCorrelationHarness.correlation(body) + "\n---\n" + SigmaCorrelationHarness.baseRules)
        let compiled = try XCTUnwrap(set.correlations.first, set.statuses.first?.reason ?? "")
        return SigmaCorrelationWalker(correlation: compiled.correlation, inputs: compiled.inputs, maxEvents: 0)
    }

    private func event(_ second: Int64, group: String, value: RowValue = .null) -> SigmaCorrelationWalker.Event {
        .init(input: 0, time: second * 1_000_000, order: (1, second), host: "WS1", groups: [.text(group)], value: value,
              entry: .event(entityID: .null, recordID: .null, source: .null))
    }

    func testKey_textComparesByBytes() {
        XCTAssertEqual(precomposed, decomposed, "Swift's String equality is canonical equivalence")
        XCTAssertNotEqual(SigmaCorrelationKey([.text(precomposed)]), SigmaCorrelationKey([.text(decomposed)]))
        XCTAssertEqual(SigmaCorrelationKey([.text(precomposed), .integer(4)]), SigmaCorrelationKey([.text("caf\u{E9}"), .integer(4)]))
        XCTAssertEqual(Set([SigmaCorrelationKey([.text(precomposed)]), SigmaCorrelationKey([.text(decomposed)])]).count, 2)
        XCTAssertNotEqual(SigmaCorrelationKey([.text("1")]), SigmaCorrelationKey([.integer(1)]))
    }

    func testWalker_equivalentButDifferentGroupValuesAreTwoGroups() throws {
        var split = try walker("event_count", "gte: 2")
        XCTAssertEqual(try split.close([event(1, group: precomposed)]).count, 0)
        XCTAssertEqual(try split.close([event(2, group: decomposed)]).count, 0)

        var same = try walker("event_count", "gte: 2")
        XCTAssertEqual(try same.close([event(1, group: precomposed)]).count, 0)
        XCTAssertEqual(try same.close([event(2, group: precomposed)]).count, 1)
    }

    func testWalker_valueCountCountsEquivalentValuesTwice() throws {
        var values = try walker("value_count", "field: CommandLine\ngte: 2")
        XCTAssertEqual(try values.close([event(1, group: "WS1", value: .text(precomposed))]).count, 0)
        XCTAssertEqual(try values.close([event(2, group: "WS1", value: .text(decomposed))]).count, 1)
    }
}
