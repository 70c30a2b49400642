import XCTest
import HuntDB

/// Condition forms: and/or/not, parentheses, `1 of`, `all of`, `them`, precedence, and
/// syntax errors that name the problem.
final class SigmaConditionTests: XCTestCase {
    typealias F = SysmonFixture
    static var harness: SigmaHarness!

    override class func setUp() {
        super.setUp()
        harness = try! SigmaHarness(SigmaModifierTests.events)
    }

    /// Searches over the modifier fixture: cmd (1), net (5), system32 (1, 2, 5, 6), explorer (7).
    private let searches = """
        selection_cmd:
            Image|endswith: '\\cmd.exe'
        selection_net:
            Image|endswith: '\\net.exe'
        filter_sys:
            Image|contains: '\\System32\\'
        _private:
            Image|endswith: '\\explorer.exe'
        """

    private func m(_ condition: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try Self.harness.matches(searches + "\ncondition: " + condition, file: file, line: line)
    }

    func testCondition_andOrNot() throws {
        XCTAssertEqual(try m("selection_cmd or selection_net"), [1, 5])
        XCTAssertEqual(try m("selection_cmd and filter_sys"), [1])
        XCTAssertEqual(try m("filter_sys and not selection_cmd"), [2, 5, 6])
        XCTAssertEqual(try m("not filter_sys"), [3, 4, 7])
    }

    func testCondition_precedenceAndParentheses() throws {
        // and binds tighter than or: cmd or (net and sys-not) …
        XCTAssertEqual(try m("selection_cmd or selection_net and not filter_sys"), [1])
        XCTAssertEqual(try m("(selection_cmd or selection_net) and not filter_sys"), [])
        XCTAssertEqual(try m("not (selection_cmd or filter_sys)"), [3, 4, 7])
        XCTAssertEqual(try m("NOT selection_cmd AND filter_sys"), [2, 5, 6], "keywords in any case")
    }

    func testCondition_oneOfAndAllOfPatterns() throws {
        XCTAssertEqual(try m("1 of selection_*"), [1, 5])
        XCTAssertEqual(try m("any of selection_*"), [1, 5])
        XCTAssertEqual(try m("all of selection_*"), [])
        XCTAssertEqual(try m("all of selection_c* and 1 of filter_*"), [1])
        XCTAssertEqual(try m("1 of selection_* and not 1 of filter_*"), [])
    }

    func testCondition_themSkipsUnderscoreIdentifiers() throws {
        XCTAssertEqual(try m("1 of them"), [1, 2, 5, 6], "_private (explorer) is not part of them")
        XCTAssertEqual(try m("all of them"), [])
        XCTAssertEqual(try m("_private"), [7], "named explicitly it counts")
    }

    func testCondition_countOf() throws {
        XCTAssertEqual(try m("2 of them"), [1, 5], "cmd and net are each in System32")
    }

    func testCondition_listOfConditionsIsOr() throws {
        let detection = searches + "\ncondition:\n    - selection_cmd\n    - selection_net"
        XCTAssertEqual(try Self.harness.matches(detection), [1, 5])
    }

    func testCondition_syntaxErrorsNameTheProblem() {
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: selection_cmd and").contains("ends too early"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: (selection_cmd").contains("parenthesis"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: selection_cmd)").contains("unexpected"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: selection_x").contains("selection_x"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: 1 of nothing_*").contains("matches no search identifier"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: selection_cmd | count() > 5").contains("not supported"))
        XCTAssertTrue(SigmaHarness.reason(searches + "\ncondition: selection_*").contains("1 of"))
    }

    func testCondition_parseTree() throws {
        let names = ["a", "b", "c"]
        XCTAssertEqual(try SigmaCondition.parse("a or b and not c", searches: names),
                       .or([.search("a"), .and([.search("b"), .not(.search("c"))])]))
        XCTAssertEqual(try SigmaCondition.parse("all of them", searches: names), .atLeast(nil, names))
    }
}
