import Foundation
import XCTest
import HuntDB

/// The ClickHouse dialect of compiled Sigma rules: ICU patterns rewritten for RE2 so that both
/// match the same texts, or refused with the reason; SQLite's text is untouched by the seam.
/// (The alerts themselves are compared with SQLite's on real servers in ClickHouseSigmaCLITests.)
final class SigmaClickHouseDialectTests: XCTestCase {
    private typealias H = SigmaHarness

    /// The RE2 pattern a `|re` value is bound as on ClickHouse, or the reason it is refused.
    private func clickHouse(_ detection: String) -> (pattern: String?, reason: String?) {
        let status = H.compile(detection)
        guard let compiled = status.compiled else { return (nil, "SQLite: " + status.reason) }
        switch compiled.compiledForClickHouse() {
        case .success(let rule):
            let texts = rule.bindings.compactMap { if case .text(let t) = $0.value { t } else { nil } }
            return (texts.first, nil)
        case .failure(let reason):
            return (nil, reason.reason)
        }
    }

    func testRE2Rewrite_keepsICUMeaning() {
        let terminators = #"\n\x0b\x0c\r\x{85}\x{2028}\x{2029}"#
        // `.` stops at ICU's line terminators; RE2's (in ClickHouse) would match them all.
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re: 'a.b'\ncondition: sel").pattern, "a[^\(terminators)]b")
        // `$` also matches before a final line terminator in ICU.
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re: 'exe$'\ncondition: sel").pattern, #"exe(?:\r\n|["# + terminators + #"])?\z"#)
        // \d is any Unicode decimal digit in ICU.
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re: '\\d{2}'\ncondition: sel").pattern, #"\p{Nd}{2}"#)
        // An escape is one token: the character after it is kept.
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re: '\\\\[Aa]pp'\ncondition: sel").pattern, #"\\[Aa]pp"#)
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re: '(?<x>ab)c'\ncondition: sel").pattern, "(?P<x>ab)c")
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re|s: 'a.b'\ncondition: sel").pattern, "(?s)a.b")
        XCTAssertEqual(clickHouse("sel:\n    CommandLine|re|i: 'powershell'\ncondition: sel").pattern, "(?i)powershell")
    }

    func testRE2Rewrite_refusesWhatRE2CannotExpressExactly() {
        let cases: [(String, String)] = [
            ("'(?=x)a'", "lookaround"),
            ("'(a)\\1'", "escape \\1"),
            ("'\\w+'", "escape \\w"),
            ("'\\bcmd'", "escape \\b"),
            ("'a++'", "possessive"),
            ("'[[:alpha:]]'", "nested class"),
        ]
        for (value, why) in cases {
            let verdict = clickHouse("sel:\n    CommandLine|re: \(value)\ncondition: sel")
            XCTAssertNil(verdict.pattern, value)
            XCTAssertTrue(verdict.reason?.contains(why) == true, "\(value): \(verdict.reason ?? "compiled")")
            XCTAssertFalse(verdict.reason?.hasPrefix("SQLite") == true, "\(value) should compile for SQLite")
        }
        // ICU folds ß to ss and ﬁ to fi in case-insensitive patterns; RE2 does not.
        XCTAssertTrue(clickHouse("sel:\n    CommandLine|re|i: 'system'\ncondition: sel").reason?.contains("\"st\"") == true)
        XCTAssertNotNil(clickHouse("sel:\n    CommandLine|re: 'system'\ncondition: sel").pattern, "case-sensitive patterns keep ss/st")
        XCTAssertTrue(clickHouse("sel:\n    CommandLine|re|m: '^a'\ncondition: sel").reason?.contains("m flag") == true)
    }

    func testClickHouseDialect_addressBlocksAreBoundAsRanges() {
        func clickHouse(_ block: String) -> Result<SigmaCompiledRule, SigmaUnsupported>? {
            H.compile("sel:\n    DestinationIp|cidr: '\(block)'\ncondition: sel", category: "network_connection").compiled?.compiledForClickHouse()
        }
        guard case .success(let v4)? = clickHouse("10.1.0.0/16") else { return XCTFail("10.1.0.0/16") }
        XCTAssertEqual(v4.bindings.compactMap { if case .integer(let n) = $0.value { n } else { nil } }, [Int64(0x0A01_0000), Int64(0x0A01_FFFF)])
        guard case .success(let v6)? = clickHouse("fe80::/10") else { return XCTFail("fe80::/10") }
        XCTAssertEqual(v6.bindings.compactMap { if case .text(let t) = $0.value { t } else { nil } },
                       ["FE800000000000000000000000000000", "FEBFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"])
        // ClickHouse parses text that is no address as ::, so a block holding :: is refused.
        guard case .failure(let reason)? = clickHouse("::/0") else { return XCTFail("::/0 compiled for ClickHouse") }
        XCTAssertTrue(reason.reason.contains("holds ::"), reason.reason)
    }

    func testClickHouseDialect_leavesTheSQLiteTextAlone() {
        let status = H.compile("sel:\n    CommandLine|contains: 'abc'\n    Image|endswith: '\\cmd.exe'\ncondition: sel")
        guard let compiled = status.compiled, case .success(let clickHouse) = compiled.compiledForClickHouse() else {
            return XCTFail(status.reason)
        }
        XCTAssertEqual(compiled.dialect, .sqlite)
        XCTAssertTrue(compiled.predicate.contains("LIKE"), compiled.predicate)
        XCTAssertFalse(compiled.predicate.contains("ifNull"), compiled.predicate)
        XCTAssertEqual(clickHouse.dialect, .clickhouse)
        XCTAssertTrue(clickHouse.predicate.contains("ifNull("), "ClickHouse's 0 AND NULL is NULL: each condition is made 0 or 1")
        XCTAssertFalse(clickHouse.predicate.contains("COLLATE"), clickHouse.predicate)
    }
}
