import Foundation
import XCTest
@testable import Detect

/// The literal a regex's every match contains (the `instr()` before `hunt_regexp`): exact on
/// known patterns, and never wrong against ICU itself on generated patterns and texts.
final class SigmaRegexLiteralTests: XCTestCase {
    private func literal(_ pattern: String, _ caseInsensitive: Bool = false) -> String? {
        SigmaRegexLiteral.required(in: pattern, caseInsensitive: caseInsensitive)?.text
    }

    func testLiteral_knownPatterns() {
        // SigmaHQ deb9b646 (Invoke-Obfuscation backticks), the rule that took 2 s on base64 command lines.
        XCTAssertEqual(literal(#"\w+`(?:\w+|-|.)`[\w+|\s]"#), "`")
        XCTAssertEqual(literal(#""(?:\{\d\})+"\s*-f"#), "-f")
        XCTAssertEqual(literal(#"(?i)\$\{`?e`?n`?v`?:`?p`?a`?t`?h`?\}"#), "${")
        XCTAssertEqual(literal(#"powershell\.exe\s+-enc"#), "powershell.exe")
        XCTAssertEqual(literal(#"powershell\.exe\s+-enc"#, true), ".exe",
                       "case-insensitive: no letter that a non-ASCII character folds to (s, h, l, n, w …)")
        // SigmaHQ 589ac73f (wsass): `(?i)` made it "."; every command line holds that.
        XCTAssertEqual(literal(#"(?i)\.exe[\"\']?\s+[^\"]{0,64}werfaultsecure\.exe[\"\']?\s+\d{2,10}"#), "ecure.exe")
        XCTAssertEqual(SigmaRegexLiteral.required(in: #"(?i)echo.*clip.*&&.*(?:Clipboard|i`?n`?v`?o`?k`?e`?)"#, caseInsensitive: false)?.parts,
                       ["ec", "&&"], "every run of two or more: the screen keys on the rarest")
        XCTAssertEqual(SigmaRegexLiteral.required(in: "(?i)cmd", caseInsensitive: false),
                       SigmaRegexLiteral(text: "cmd", ignoresASCIICase: true))
        XCTAssertEqual(SigmaRegexLiteral.required(in: "cmd", caseInsensitive: false),
                       SigmaRegexLiteral(text: "cmd", ignoresASCIICase: false))
        // SigmaHQ dd8756e7: the escapes of control characters are those characters.
        XCTAssertEqual(literal(#"\n\n\n"#), "\n\n\n")
        XCTAssertEqual(literal(#"a\tb\r\fc"#), "a\tb\r\u{0C}c")
        XCTAssertNil(literal(#"\v"#), "\\v is a class in ICU")
        XCTAssertEqual(literal("abc?d"), "ab")
        XCTAssertEqual(literal("x{0,2}yz{1,}"), "y")
        XCTAssertEqual(literal("ab+cd"), "cd")
        XCTAssertEqual(literal("a*?bc"), "bc")
    }

    func testLiteral_givesUpOnWhatItDoesNotUnderstand() {
        for pattern in ["a|b", #"(?x) a b"#, #"\Qa.b\E"#, #"\x41bc"#, #"(a)\1"#, "[]a]bc", "ab)", "{2}ab", #"a\p{L}b"#, ".*", ""] {
            XCTAssertNil(literal(pattern), pattern)
        }
    }

    /// For generated patterns and texts: whenever ICU finds a match, the text contains the literal.
    func testLiteral_isInEveryTextTheRegexMatches() throws {
        var random = SystemRandomNumberGenerator.Seeded(seed: 7)
        let atoms = ["a", "b", "A", "`", "-", ".", #"\."#, #"\w"#, #"\s"#, "[ab]", "[^a]", "(a|b)", "(?:ab)", "(?i:a)", "K", " ",
                     "s", "S", "f", "i", "c", "C", #"\n"#, #"\t"#]
        let quantifiers = ["", "", "", "?", "*", "+", "{0,1}", "{1,2}", "{2}", "+?", "*+"]
        let alphabet: [Character] = ["a", "b", "A", "B", "`", "-", ".", " ", "K", "\u{212A}", "x", "s", "S", "\u{017F}", "ß",
                                     "f", "i", "\u{FB01}", "c", "C", "\n", "\t"]
        var checked = 0
        for _ in 0..<1500 {
            var pattern = ""
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                pattern += atoms.randomElement(using: &random)! + quantifiers.randomElement(using: &random)!
            }
            if Int.random(in: 0..<10, using: &random) == 0 { pattern = "(?i)" + pattern }
            let insensitive = Bool.random(using: &random)
            guard let literal = SigmaRegexLiteral.required(in: pattern, caseInsensitive: insensitive) else { continue }
            let regex = try NSRegularExpression(pattern: pattern, options: insensitive ? [.caseInsensitive] : [])
            for _ in 0..<40 {
                let text = String((0..<Int.random(in: 0...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                guard regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil else { continue }
                checked += 1
                for part in literal.parts {
                    let holds = literal.ignoresASCIICase ? Self.asciiLowered(text).contains(Self.asciiLowered(part)) : text.contains(part)
                    XCTAssertTrue(holds, "\(pattern) (i: \(insensitive)) matches \(text.debugDescription) without \(part.debugDescription)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 1000, "the generated cases exercise the implication")
    }

    private static func asciiLowered(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension SystemRandomNumberGenerator {
    /// A small deterministic generator (SplitMix64) for repeatable generated tests.
    struct Seeded: RandomNumberGenerator {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
