import XCTest
@testable import Detect
import HuntDB

/// The texts a Sigma rule's matches must contain (`LiteralNeed`), and the automaton that looks
/// for all of them at once. That the screen never changes a rule's matches is checked by every
/// `SigmaHarness.matches` call (each rule runs alone and among many).
final class LiteralScreenTests: XCTestCase {
    private func found(_ strings: [String], in text: String) -> [String] {
        let automaton = SubstringAutomaton(strings: strings.map { Array($0.utf8) })
        var hits: Set<Int32> = []
        automaton.scan(text) { hits.insert($0) }
        return hits.sorted().map { strings[Int($0)] }
    }

    func testAutomaton_findsOverlappingAndSuffixStrings() {
        XCTAssertEqual(found(["he", "she", "his", "hers"], in: "ushers"), ["he", "she", "hers"])
        XCTAssertEqual(found(["abcd", "bc", "c"], in: "xabcx"), ["bc", "c"], "a string inside a longer partial match")
        XCTAssertEqual(found(["aaa"], in: "aa"), [])
    }

    func testAutomaton_ignoresASCIICaseOnlyAndNeverMatchesEmpty() {
        XCTAssertEqual(found(["\\cmd.exe", "POWERSHELL"], in: #"C:\Windows\System32\CMD.EXE /c PowerShell"#), ["\\cmd.exe", "POWERSHELL"])
        XCTAssertEqual(found(["ä"], in: "Ä"), [], "beyond ASCII bytes compare exactly")
        XCTAssertEqual(found(["🦆", "x"], in: "a🦆b"), ["🦆"])
        XCTAssertEqual(found([""], in: "anything"), [])
    }

    /// Against a naive search, on generated strings deep enough to exercise the sparse states
    /// and their failure links: every occurrence of every string, and nothing else.
    func testAutomaton_agreesWithNaiveSearchOnGeneratedStrings() {
        var random = SystemRandomNumberGenerator.Seeded(seed: 11)
        let alphabet = Array("abcAB\\.x".utf8)
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        func occurrences(of string: [UInt8], in text: [UInt8]) -> Int {
            guard !string.isEmpty, string.count <= text.count else { return 0 }
            return (0...(text.count - string.count)).filter { Array(text[$0..<($0 + string.count)]) == string }.count
        }
        var compared = 0
        for _ in 0..<300 {
            let strings = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                (0..<Int.random(in: 1...7, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            }
            let automaton = SubstringAutomaton(strings: strings)
            for _ in 0..<20 {
                let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
                var found: [Int32: Int] = [:]
                text.withUnsafeBytes { bytes in automaton.scan(bytes) { found[$0, default: 0] += 1 } }
                var expected: [Int32: Int] = [:]
                for (index, string) in strings.enumerated() {
                    let count = occurrences(of: string.map(lower), in: text.map(lower))
                    if count > 0 { expected[Int32(index)] = count }
                }
                XCTAssertEqual(found, expected, "\(strings.map { String(decoding: $0, as: UTF8.self) }) in \(String(decoding: text, as: UTF8.self))")
                // Reporting each state once per text finds the same strings.
                var visited = [Int32](repeating: -1, count: automaton.stateCount)
                var once: Set<Int32> = []
                visited.withUnsafeMutableBufferPointer { visited in
                    text.withUnsafeBytes { bytes in automaton.scan(bytes, visited: visited, mark: 1) { once.insert($0) } }
                }
                XCTAssertEqual(once, Set(expected.keys))
                compared += expected.count
            }
        }
        XCTAssertGreaterThan(compared, 1000, "the generated texts contain many of the strings")
    }

    private func need(_ detection: String, category: String = "process_creation") throws -> LiteralNeed? {
        let compiled = try XCTUnwrap(SigmaHarness.compile(detection, category: category).compiled)
        return try compiled.detectionRule(storedColumns: nil, builtIn: false).literalPrefilter?.need
    }

    private func text(_ column: String, _ value: String, folded: Bool = false) -> LiteralNeed {
        .contains(column: column, text: Array(value.utf8), folded: folded)
    }

    func testNeed_fromContainsEndswithAndAll() throws {
        XCTAssertEqual(try need("sel:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains|all: ['/c', 'whoami']\ncondition: sel"),
                       .all([text("executable", "\\cmd.exe"), .all([text("command_line", "/c"), text("command_line", "whoami")])]))
        XCTAssertEqual(try need("sel:\n    Image|endswith: ['\\a.exe', '\\b.exe']\ncondition: sel"),
                       .any([text("executable", "\\a.exe"), text("executable", "\\b.exe")]))
        XCTAssertEqual(try need("sel:\n    CommandLine: '*-enc *AA?B*'\ncondition: sel"), text("command_line", "-enc "),
                       "the longest run between wildcards")
    }

    func testNeed_negationsNumbersAndKeywordsGiveNone() throws {
        XCTAssertEqual(try need("sel:\n    Image|endswith: '\\cmd.exe'\nfilter:\n    CommandLine|contains: 'x'\ncondition: sel and not filter"),
                       text("executable", "\\cmd.exe"), "not filter adds nothing")
        XCTAssertNil(try need("filter:\n    CommandLine|contains: 'x'\ncondition: not filter"))
        XCTAssertNil(try need("sel:\n    Image|endswith: '\\cmd.exe'\nother:\n    User: null\ncondition: sel or other"),
                     "one branch without texts makes the whole or none")
        XCTAssertNil(try need("sel:\n    DestinationPort: 4444\ncondition: sel", category: "network_connection"))
        XCTAssertNil(try need("keywords:\n    - 'mimikatz'\ncondition: keywords"))
        XCTAssertNil(try need("sel:\n    CommandLine|re: '[0-9]+'\ncondition: sel"), "a regex with no required text")
        XCTAssertEqual(try need("sel:\n    CommandLine|re: 'invoke-mimikatz'\ncondition: sel"), text("command_line", "invoke-mimikatz"))
    }

    func testNeed_foldedBeyondASCIIAndOneOf() throws {
        XCTAssertEqual(try need("sel:\n    CommandLine|contains: 'ÄRGER'\ncondition: sel"), text("command_line", "ärger", folded: true))
        XCTAssertEqual(try need("sel:\n    CommandLine|contains|cased: 'ÄRGER'\ncondition: sel"), text("command_line", "ÄRGER"))
        XCTAssertEqual(try need("sel_a:\n    Image|endswith: '\\a.exe'\nsel_b:\n    Image|endswith: '\\b.exe'\ncondition: 1 of sel_*"),
                       .any([text("executable", "\\a.exe"), text("executable", "\\b.exe")]))
    }
}
