import Foundation
import XCTest
import HuntDB

/// Compiled Sigma SQL holds no rule value: every quoted literal in it is one of the compiler's
/// constants, and no bound value's text appears in it. Checked on hostile fixtures and, when
/// ../shared/sigma is there, on every SigmaHQ rule.
final class SigmaSQLSafetyTests: XCTestCase {
    /// The single-quoted literals the compiler and the alert layout write themselves.
    static let constants: Set<String> = ["'\\'", "'true'", "'false'", "'outgoing'", "'incoming'", "':'", "''", "'blob'",
                                         "'process'", "'network'", "'.'", "'id:'", "'*[0-9]*'",
                                         "'MD5'", "'SHA1'", "'SHA256'", "'IMPHASH'"]

    static func literals(in sql: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "'(?:[^']|'')*'")
        return regex.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)).map { String(sql[Range($0.range, in: sql)!]) }
    }

    private func assertSafe(_ status: SigmaRuleStatus, file: StaticString = #filePath, line: UInt = #line) {
        guard let compiled = status.compiled else { return }
        let sql = compiled.sql(storedColumns: nil)
        for literal in Self.literals(in: sql) where !Self.constants.contains(literal) {
            XCTFail("\(status.path): the literal \(literal) is not one of the compiler's constants", file: file, line: line)
        }
        for (_, value) in compiled.bindings {
            guard case .text(let text) = value, text.count >= 6 else { continue }
            XCTAssertFalse(sql.contains(text), "\(status.path): the value \(text) appears in the SQL text", file: file, line: line)
        }
    }

    func testSigmaSQLSafety_hostileValuesStayBound() {
        let hostile = ["x'); DROP TABLE processes; --", "' OR '1'='1", "%' ESCAPE '", "\\'\\'", "1) OR (1=1"]
        for value in hostile {
            let yamlValue = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
            for modifier in ["", "|contains", "|re", "|cased", "|contains|windash", "|base64offset|contains", "|fieldref|contains"] {
                let status = SigmaHarness.compile("sel:\n    CommandLine\(modifier): \(yamlValue)\ncondition: sel")
                assertSafe(status)
            }
        }
    }

    func testSigmaSQLSafety_everySigmaHQRule() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let rules = root.deletingLastPathComponent().appendingPathComponent("shared/sigma/rules")
        guard FileManager.default.fileExists(atPath: rules.path) else { throw XCTSkip("../shared/sigma is not here") }
        let set = try SigmaRuleSet.load(paths: [rules.path], compiler: SigmaCompiler())
        XCTAssertGreaterThan(set.supported.count, 1000)
        for status in set.statuses { assertSafe(status) }
    }
}
