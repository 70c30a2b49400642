import XCTest
import HuntDB

/// Rule files that cannot run say why, naming the file; log sources and fields we do not hold
/// make a rule unsupported by name, never a silent false.
final class SigmaRuleFileTests: XCTestCase {
    private func status(_ yaml: String, path: String = "rules/bad.yml") -> SigmaRuleStatus {
        SigmaRuleSet.status(yaml: yaml, path: path, compiler: SigmaCompiler(), builtIn: false)
    }

    func testRuleFile_malformedYAMLNamesTheLine() {
        let verdict = status("title: x\ndetection:\n  sel: [unclosed\n  condition: sel\n")
        XCTAssertFalse(verdict.isSupported)
        XCTAssertTrue(verdict.reason.contains("not valid YAML"), verdict.reason)
        XCTAssertTrue(verdict.reason.contains("line"), verdict.reason)
    }

    func testRuleFile_missingPartsAreNamed() {
        XCTAssertTrue(status("detection:\n  sel:\n    Image: x\n  condition: sel\n").reason.contains("title"))
        XCTAssertTrue(status("title: x\nlogsource:\n  category: process_creation\n").reason.contains("detection"))
        XCTAssertTrue(status("title: x\nlogsource:\n  category: process_creation\ndetection:\n  sel:\n    Image: x\n").reason.contains("condition"))
    }

    func testRuleFile_unknownModifierAndInvalidRegex() {
        XCTAssertEqual(SigmaHarness.reason("sel:\n    Image|sounds_like: 'x'\ncondition: sel"), "unknown modifier |sounds_like")
        XCTAssertTrue(SigmaHarness.reason("sel:\n    Image|re: '(unclosed'\ncondition: sel").contains("invalid regular expression"))
        XCTAssertTrue(SigmaHarness.reason("sel:\n    Image|cidr: 'not-an-ip'\ncondition: sel").contains("not an address block"))
        XCTAssertTrue(SigmaHarness.reason("sel:\n    Image|i: 'x'\ncondition: sel").contains("only valid after |re"))
    }

    func testRuleFile_fieldsAndLogSourcesWeDoNotHold() {
        XCTAssertEqual(SigmaHarness.reason("sel:\n    GrandParentImage: 'x'\ncondition: sel"),
                       "field GrandParentImage is not stored for process_creation")
        XCTAssertEqual(SigmaHarness.reason("sel:\n    CommandLine: 'x'\ncondition: sel", category: "network_connection"),
                       "field CommandLine is not stored for network_connection")
        XCTAssertTrue(SigmaHarness.reason("sel:\n    Image: 'x'\ncondition: sel", category: "file_event").contains("logsource category file_event"))
        let linux = status(SigmaHarness.rule("sel:\n    Image: 'x'\ncondition: sel").replacingOccurrences(of: "product: windows", with: "product: linux"))
        XCTAssertTrue(linux.reason.contains("product linux"))
    }

    func testRuleFile_aFieldTheDatabaseLacksIsNamed() {
        let compiler = SigmaCompiler(context: SigmaCompileContext(storedColumns: [.process: ["executable", "command_line"], .network: []]))
        let verdict = SigmaRuleSet.status(yaml: SigmaHarness.rule("sel:\n    OriginalFileName: 'x.exe'\ncondition: sel"),
                                          path: "r.yml", compiler: compiler, builtIn: false)
        XCTAssertTrue(verdict.reason.contains("original_file_name"), verdict.reason)
    }

    func testRuleFile_unusedSearchesDoNotMatter() {
        XCTAssertEqual(SigmaHarness.reason("sel:\n    Image: 'x'\nunused:\n    GrandParentImage: 'y'\ncondition: sel"), "")
    }

    func testRuleFile_metadata() throws {
        let verdict = status(SigmaHarness.rule("sel:\n    Image: 'x'\ncondition: sel", level: "critical"))
        let compiled = try XCTUnwrap(verdict.compiled)
        XCTAssertEqual(compiled.ruleID, "5f0c1a3e-0000-4000-8000-000000000001")
        XCTAssertEqual(compiled.rule.level, "critical")
        XCTAssertEqual(compiled.rule.attackIDs, ["T1059.001"])
        XCTAssertEqual(verdict.title, "Test rule")
    }

    func testRuleFile_valuesAreBoundNeverSpliced() throws {
        let hostile = "x' OR 1=1 --"
        let compiled = try XCTUnwrap(SigmaHarness.compile("sel:\n    CommandLine|contains: \"\(hostile)\"\ncondition: sel").compiled)
        XCTAssertFalse(compiled.sql(storedColumns: nil).contains("OR 1=1"))
        XCTAssertTrue(compiled.bindings.contains { $0.value == .text("%x' OR 1=1 --%") })
    }

    func testRuleFile_hugeValueListsStayWithinSQLiteDepth() throws {
        let values = (0..<3000).map { "        - 'value\($0)'" }.joined(separator: "\n")
        let harness = try SigmaHarness(SigmaModifierTests.events)
        XCTAssertEqual(try harness.matches("sel:\n    CommandLine|contains:\n\(values)\n        - 'whoami'\ncondition: sel"), [1])
    }
}
