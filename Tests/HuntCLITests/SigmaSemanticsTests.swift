import Foundation
import XCTest

/// The Sigma language's tricky corners, checked by an oracle independent of the compiler:
/// hand-written events (`SigmaFixtureEvents`) and hand-written rules, each with the exact set
/// of records it must match, read from the spec (SigmaHQ/sigma-specification v2: rules
/// specification and modifiers appendix), including the records that must NOT match.
/// Every test runs the real `hunt detect --sigma RULE --format json` on one loaded database.
/// The expected sets were also cross-checked with pySigma 1.5.1's SQLite backend on a flat table
/// of the same events: it agrees on every rule but `|gte`, where it compares the ports, held as
/// text, as text ("5000" >= "49152"); the spec's numeric comparison is what is asserted here.
final class SigmaSemanticsTests: XCTestCase {
    private static var fixture: (dir: TemporaryDirectory, db: String)?
    private static var fixtureError: Error?
    private static var ruleNumber = 0

    private func database() throws -> String {
        if let fixture = Self.fixture { return fixture.db }
        if let error = Self.fixtureError { throw error }
        do {
            let dir = try TemporaryDirectory()
            let events = try dir.write("events.ndjson", try SigmaFixtureEvents.ndjson())
            let db = dir.path("sigma.db")
            let load = try HuntProcess.run(["load", "--db", db, events])
            let total = SigmaFixtureEvents.processes.count + SigmaFixtureEvents.connections.count
            guard load.status == 0, load.stderr.contains("loaded \(total) ") else {
                throw FixtureError(message: "the fixture events did not all load: \(load.stderr)")
            }
            Self.fixture = (dir, db)
            return db
        } catch {
            Self.fixtureError = error
            throw error
        }
    }

    private struct FixtureError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    override class func tearDown() {
        fixture = nil
        super.tearDown()
    }

    /// Runs `detection` (YAML lines under `detection:`, indented by four spaces) as a process
    /// creation rule and asserts that exactly `expected` records alert.
    private func assertMatches(_ detection: String, _ expected: Set<Int>, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRule("process_creation", detection, expected, file: file, line: line)
    }

    private func assertNetworkMatches(_ detection: String, _ expected: Set<Int>, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRule("network_connection", detection, expected, file: file, line: line)
    }

    private func assertRule(_ category: String, _ detection: String, _ expected: Set<Int>, file: StaticString, line: UInt) throws {
        let db = try database()
        Self.ruleNumber += 1
        let id = String(format: "5e1f0000-0000-4000-8000-%012d", Self.ruleNumber)
        let rule = """
            title: Fixture rule \(Self.ruleNumber)
            id: \(id)
            status: test
            logsource:
                category: \(category)
                product: windows
            detection:
            \(detection)
            level: high

            """
        let dir = try TemporaryDirectory()
        let path = try dir.write("rule.yml", rule)
        let check = try HuntProcess.run(["sigma", "check", path, "--format", "json"])
        let rows = try SigmaOutput.checkRows(check, file: file, line: line)
        XCTAssertEqual(rows.map { SigmaOutput.text($0["status"]) }, ["supported"],
                       "sigma check: \(rows.map { SigmaOutput.text($0["reason"]) }) \(check.stderr)\n\(rule)", file: file, line: line)
        let run = try HuntProcess.run(["detect", "--db", db, "--sigma", path, "--format", "json"])
        XCTAssertEqual(run.status, expected.isEmpty ? 0 : 2, "exit status; stderr: \(run.stderr)\n\(rule)", file: file, line: line)
        let alerts = try SigmaOutput.alerts(run, file: file, line: line)
        XCTAssertEqual(Set(alerts.map { SigmaOutput.text($0["rule_id"]) }).subtracting([id]), [], "alerts of another rule", file: file, line: line)
        let records = alerts.map { Int(SigmaOutput.text($0["record_id"])) ?? -1 }
        XCTAssertEqual(records.count, Set(records).count, "an event alerted twice: \(records.sorted())", file: file, line: line)
        XCTAssertEqual(Set(records), expected, "records matched by\n\(rule)", file: file, line: line)
    }

    // MARK: - case and wildcards

    func testPlainValues_areCaseInsensitive() throws {
        try assertMatches(#"""
                selection:
                    Image: 'c:\windows\system32\CMD.exe'
                condition: selection
            """#, [101, 102, 105, 190])  // not 162: a network connection, not a process creation
        try assertMatches(#"""
                selection:
                    CommandLine|contains: 'WhoAmI /All'
                condition: selection
            """#, [101, 102])
        try assertMatches(#"""
                selection:
                    User: 'CORP\Alice'
                condition: selection
            """#, [101, 102])
    }

    func testWildcards_starIsAnyRunAndQuestionMarkExactlyOneCharacter() throws {
        try assertMatches(#"""
                selection:
                    Image: 'C:\Windows\\*\cmd.exe'
                condition: selection
            """#, [101, 102, 103, 105, 190])  // a backslash, then the wildcard: \\*
        try assertMatches(#"""
                selection:
                    CommandLine: 'net? user'
                condition: selection
            """#, [105])
    }

    func testEscapedWildcards_andSQLLikeCharacters_arePlain() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|contains: 'a\*b'
                condition: selection
            """#, [103])
        try assertMatches(#"""
                selection:
                    CommandLine|endswith: 'really\?'
                condition: selection
            """#, [108])
        // \* is a plain star: no image has a folder named *
        try assertMatches(#"""
                selection:
                    Image: 'C:\Windows\*\cmd.exe'
                condition: selection
            """#, [])
        try assertMatches(#"""
                selection:
                    CommandLine|contains:
                        - '100%'
                        - 'a_b'
                condition: selection
            """#, [110, 112])
        // a backslash before a wildcard is escaped by a second one: C:\Users\ then anything
        try assertMatches(#"""
                selection:
                    CurrentDirectory: 'C:\Users\\*'
                condition: selection
            """#, [101])
    }

    // MARK: - |all, lists and conditions

    func testAll_requiresEveryValue() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|contains|all:
                        - '-enc'
                        - 'hidden'
                condition: selection
            """#, [120, 122])
        try assertMatches(#"""
                selection:
                    CommandLine|all:
                        - '*-nop*'
                        - '*hidden*'
                condition: selection
            """#, [120])
    }

    func testListOfMaps_isAnOrOfAnds() throws {
        try assertMatches(#"""
                selection:
                    - Image|endswith: '\cmd.exe'
                      CommandLine|contains: 'whoami'
                    - Image|endswith: '\svchost.exe'
                      ParentImage|endswith: '\services.exe'
                condition: selection
            """#, [101, 102, 181])
    }

    func testOneOfPattern_matchesOnlyTheNamedIdentifiers() throws {
        try assertMatches(#"""
                selection_net:
                    CommandLine|startswith: 'net1 '
                selection_really:
                    CommandLine|endswith: 'really\?'
                other:
                    CommandLine|contains: 'net'
                condition: 1 of selection_*
            """#, [105, 108])
    }

    func testAllOfThem_andsEveryIdentifier() throws {
        try assertMatches(#"""
                selection_image:
                    Image|endswith: '\cmd.exe'
                selection_cli:
                    CommandLine|contains: 'whoami'
                condition: all of them
            """#, [101, 102])
    }

    /// "them" leaves out identifiers that start with an underscore (rules specification, Condition).
    func testAllOfThem_leavesOutUnderscoreIdentifiers() throws {
        try assertMatches(#"""
                selection_image:
                    Image|endswith: '\cmd.exe'
                selection_cli:
                    CommandLine|contains: 'whoami'
                _never:
                    CommandLine|contains: 'text no event holds'
                condition: all of them
            """#, [101, 102])
    }

    /// 190 has no CommandLine: its filter does not match, so `not` keeps it (no SQL NULL trap).
    func testNotOneOfFilters_keepsEventsWhoseFilterFieldIsAbsent() throws {
        try assertMatches(#"""
                selection:
                    Image|endswith: '\cmd.exe'
                filter_whoami:
                    CommandLine|contains: 'whoami'
                filter_wow64:
                    Image|contains: '\SysWOW64\'
                condition: selection and not 1 of filter*
            """#, [105, 190])
    }

    // MARK: - null, empty, exists

    func testNull_matchesOnlyAnAbsentField() throws {
        try assertMatches(#"""
                selection:
                    CommandLine: null
                condition: selection
            """#, [190])
    }

    func testEmptyString_matchesOnlyAnEmptyField() throws {
        try assertMatches(#"""
                selection:
                    CommandLine: ''
                condition: selection
            """#, [191])
    }

    func testExists_falseAndTrue() throws {
        try assertMatches(#"""
                selection:
                    ParentCommandLine|exists: false
                condition: selection
            """#, [190])
        try assertMatches(#"""
                selection:
                    ParentCommandLine|exists: true
                    CommandLine: ''
                condition: selection
            """#, [191])
    }

    // MARK: - modifiers

    func testWindash_matchesEveryDashForm() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|windash|contains: ' -exec bypass'
                condition: selection
            """#, [130, 131, 132, 133, 134, 137])
    }

    func testBase64Offset_findsTheValueAtEveryOffset() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|base64offset|contains: 'http://'
                condition: selection
            """#, [140, 141, 142])
    }

    func testRegex_isCaseSensitiveUnlessI() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|re|i: 'invoke-(web)?request'
                condition: selection
            """#, [170, 171])
        try assertMatches(#"""
                selection:
                    CommandLine|re: 'Invoke-(Web)?Request'
                condition: selection
            """#, [171])
    }

    func testCased_matchesOnlyTheExactCase() throws {
        try assertMatches(#"""
                selection:
                    CommandLine|contains|cased: 'SecretToken'
                condition: selection
            """#, [200])
    }

    func testFieldref_comparesTwoFieldsOfTheSameEvent() throws {
        try assertMatches(#"""
                selection:
                    Image|fieldref: ParentImage
                condition: selection
            """#, [180])
    }

    func testCIDR_v4_isNotATextPrefix() throws {
        try assertNetworkMatches(#"""
                selection:
                    DestinationIp|cidr:
                        - '10.0.0.0/8'
                        - '172.16.0.0/12'
                condition: selection
            """#, [150, 152, 153])
    }

    func testCIDR_v6_includesNonNibblePrefixes() throws {
        try assertNetworkMatches(#"""
                selection:
                    DestinationIp|cidr:
                        - '2001:db8::/32'
                        - 'fe80::/10'
                condition: selection
            """#, [156, 158, 159])
    }

    func testGte_comparesPortsAsNumbers() throws {
        try assertNetworkMatches(#"""
                selection:
                    DestinationPort|gte: 49152
                condition: selection
            """#, [152, 154, 156, 161])
    }

    /// A network rule sees connections only, a process rule process creations only.
    func testLogsource_keepsEventKindsApart() throws {
        try assertNetworkMatches(#"""
                selection:
                    Image|endswith: '\cmd.exe'
                condition: selection
            """#, [162])
    }
}
