import XCTest
import HuntDB

/// Each value modifier and value form of Sigma v2 against known events: what must match and
/// what must not.
final class SigmaModifierTests: XCTestCase {
    typealias F = SysmonFixture
    static let hashes = "SHA1=AAA1,MD5=BBB2,SHA256=CCC3,IMPHASH=DDD4"

    /// Line numbers are event numbers.
    static let events: [String] = [
        F.process(record: 1, ms: 0, guid: "{c0000000-0000-0000-0000-000000000001}", image: #"C:\Windows\System32\cmd.exe"#,
                  commandLine: "cmd.exe /c whoami", extra: ["Hashes": hashes]),
        F.process(record: 2, ms: 1, guid: "{c0000000-0000-0000-0000-000000000002}",
                  image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#,
                  commandLine: "powershell.exe -enc dwBoAG8AYQBtAGkA", user: #"CORP\alice"#),
        F.process(record: 3, ms: 2, guid: "{c0000000-0000-0000-0000-000000000003}", image: #"C:\Users\Ünal\tool.exe"#,
                  commandLine: "TOOL.EXE --Straße ÄRGER"),
        F.process(record: 4, ms: 3, guid: "{c0000000-0000-0000-0000-000000000004}", image: #"C:\Temp\star.exe"#,
                  commandLine: #"echo a*b? c\d"#),
        F.process(record: 5, ms: 4, guid: "{c0000000-0000-0000-0000-000000000005}", image: #"C:\Windows\System32\net.exe"#,
                  commandLine: "net user bob \u{2013}add"),
        F.process(record: 6, ms: 5, guid: "{c0000000-0000-0000-0000-000000000006}", image: #"C:\Windows\System32\certutil.exe"#,
                  commandLine: "certutil -f YWJJRVggKE5ldy1PYmplY3QgTmV0LldlYkNsaWVudCk= c2VjcmV0"),
        F.process(record: 7, ms: 6, guid: "{c0000000-0000-0000-0000-000000000007}", image: #"C:\Windows\explorer.exe"#,
                  commandLine: ""),
    ]

    static var harness: SigmaHarness!

    override class func setUp() {
        super.setUp()
        harness = try! SigmaHarness(events)
    }

    private func m(_ detection: String, placeholders: [String: [String]] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> [Int] {
        try Self.harness.matches(detection, placeholders: placeholders, file: file, line: line)
    }

    // MARK: Plain values, wildcards, escapes, case

    func testSigma_plainValueIsWholeFieldAndCaseInsensitive() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine: 'CMD.EXE /C WHOAMI'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine: 'cmd.exe'\ncondition: sel"), [], "a plain value is the whole field")
    }

    func testSigma_wildcardsStarAndQuestionMark() throws {
        XCTAssertEqual(try m("sel:\n    Image: 'c:\\windows\\system32\\\\*.exe'\ncondition: sel"), [1, 2, 5, 6], "\\\\* is a backslash and a wildcard")
        XCTAssertEqual(try m("sel:\n    Image: 'c:\\windows\\system32\\*.exe'\ncondition: sel"), [], "\\* is a plain star")
        XCTAssertEqual(try m("sel:\n    Image: '*\\ne?.exe'\ncondition: sel"), [5])
        XCTAssertEqual(try m("sel:\n    Image: '*\\ne?.exe?'\ncondition: sel"), [], "? is exactly one character")
    }

    func testSigma_escapedWildcardsAreLiteral() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine: 'echo a\\*b\\? c\\d'\ncondition: sel"), [4])
        // Without escapes the same text is a pattern, which also matches it.
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: 'a\\*b'\ncondition: sel"), [4])
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: 'x\\*b'\ncondition: sel"), [])
        // LIKE's own metacharacters in values are literal.
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: '%'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: 'user_bob'\ncondition: sel"), [])
    }

    func testSigma_nonASCIIIsCaseInsensitiveToo() throws {
        XCTAssertEqual(try m("sel:\n    Image|contains: '\\ünal\\'\ncondition: sel"), [3])
        XCTAssertEqual(try m("sel:\n    CommandLine|endswith: 'ärger'\ncondition: sel"), [3])
        XCTAssertEqual(try m("sel:\n    CommandLine|endswith|cased: 'ärger'\ncondition: sel"), [], "cased keeps case beyond ASCII")
    }

    func testSigma_cased() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|cased: 'TOOL.EXE'\ncondition: sel"), [3])
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|cased: 'tool.exe'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    CommandLine|cased: 'cmd.exe /c whoami'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|cased: 'CMD.exe /c whoami'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    CommandLine|cased: 'echo a\\*b? c\\d'\ncondition: sel"), [4], "GLOB metacharacters in a cased pattern")
    }

    func testSigma_containsStartswithEndswith() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: 'WHOAMI'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|startswith: 'powershell'\ncondition: sel"), [2])
        XCTAssertEqual(try m("sel:\n    CommandLine|startswith: '-enc'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    Image|endswith: '\\net.exe'\ncondition: sel"), [5])
        XCTAssertEqual(try m("sel:\n    Image|endswith: 'net'\ncondition: sel"), [])
    }

    func testSigma_listsAreOrAndAllMakesThemAnd() throws {
        XCTAssertEqual(try m("sel:\n    Image|endswith:\n        - '\\cmd.exe'\n        - '\\net.exe'\ncondition: sel"), [1, 5])
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|all:\n        - 'cmd'\n        - 'whoami'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|all:\n        - 'cmd'\n        - 'powershell'\ncondition: sel"), [])
    }

    func testSigma_plainValueListsIgnoreCase() throws {
        XCTAssertEqual(try m("sel:\n    Image:\n        - 'C:\\WINDOWS\\system32\\CMD.EXE'\n        - 'c:\\windows\\system32\\net.exe'\n        - 'c:\\nothing.exe'\ncondition: sel"), [1, 5])
        XCTAssertEqual(try m("sel:\n    md5:\n        - 'bbb2'\n        - 'ffff'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine:\n        - ''\n        - 'CMD.exe /c whoami'\ncondition: sel"), [1, 7])
        XCTAssertEqual(try m("sel:\n    Image:\n        - 'c:\\a.exe'\n        - 'c:\\b.exe'\nfilter:\n    CommandLine: 'x'\ncondition: not sel and not filter"), [1, 2, 3, 4, 5, 6, 7])
    }

    func testSigma_mapIsAndListOfMapsIsOr() throws {
        XCTAssertEqual(try m("sel:\n    Image|endswith: '.exe'\n    User: 'corp\\alice'\ncondition: sel"), [2])
        XCTAssertEqual(try m("sel:\n    - Image|endswith: '\\cmd.exe'\n    - User: 'CORP\\alice'\ncondition: sel"), [1, 2])
    }

    func testSigma_nullAndEmptyValues() throws {
        // Command lines keep '' apart from missing: event 7's command line is empty, none is missing.
        XCTAssertEqual(try m("sel:\n    CommandLine: ''\ncondition: sel"), [7])
        XCTAssertEqual(try m("sel:\n    CommandLine: null\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    Image|endswith: '.exe'\nfilter:\n    CommandLine: null\ncondition: sel and not filter"), [1, 2, 3, 4, 5, 6, 7])
        // Other text fields store an empty value as missing: there '' and null both find it.
        XCTAssertEqual(try m("sel:\n    Hashes: ''\ncondition: sel"), try m("sel:\n    Hashes: null\ncondition: sel"))
    }

    func testSigma_exists() throws {
        XCTAssertEqual(try m("sel:\n    Hashes|exists: false\ncondition: sel"), [2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try m("sel:\n    Hashes|exists: true\ncondition: sel"), [1])
    }

    func testSigma_notOfANullFieldIsTrue() throws {
        // SQL's NULL must not leak: `not` of a test on a missing field holds.
        XCTAssertEqual(try m("sel:\n    Image|endswith: 'explorer.exe'\nfilter:\n    CommandLine|contains: 'x'\ncondition: sel and not filter"), [7])
    }

    // MARK: Type modifiers

    func testSigma_regexWithFlags() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|re: '^cmd\\.exe\\s+/c'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|re: '^CMD'\ncondition: sel"), [], "re is case-sensitive")
        XCTAssertEqual(try m("sel:\n    CommandLine|re|i: '^CMD'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|re: 'who.mi$'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    CommandLine|re: '[ÄÖÜ]RGER'\ncondition: sel"), [3])
    }

    func testSigma_regexMultilineAndDotAll() throws {
        let lines = [F.process(record: 1, ms: 0, guid: "{c0000000-0000-0000-0000-000000000001}", image: #"C:\a.exe"#,
                               commandLine: "first\nsecond")]
        let harness = try SigmaHarness(lines)
        XCTAssertEqual(try harness.matches("sel:\n    CommandLine|re: '^second'\ncondition: sel"), [])
        XCTAssertEqual(try harness.matches("sel:\n    CommandLine|re|m: '^second'\ncondition: sel"), [1])
        XCTAssertEqual(try harness.matches("sel:\n    CommandLine|re: 'first.second'\ncondition: sel"), [])
        XCTAssertEqual(try harness.matches("sel:\n    CommandLine|re|s: 'first.second'\ncondition: sel"), [1])
    }

    func testSigma_windashMatchesEveryDash() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|windash: ' -add'\ncondition: sel"), [5], "en dash in the event")
        XCTAssertEqual(try m("sel:\n    CommandLine|contains|windash: ' -c '\ncondition: sel"), [1], "/c in the event")
        XCTAssertEqual(try m("sel:\n    CommandLine|contains: ' -add'\ncondition: sel"), [], "without windash only -")
    }

    func testSigma_base64AndBase64Offset() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|base64|contains: 'secret'\ncondition: sel"), [6])
        XCTAssertEqual(try m("sel:\n    CommandLine|base64offset|contains: 'IEX (New-Object'\ncondition: sel"), [6])
        XCTAssertEqual(try m("sel:\n    CommandLine|base64offset|contains: 'IEX (Old-Object'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    CommandLine|base64|contains: 'SECRET'\ncondition: sel"), [], "another case is other bytes")
    }

    func testSigma_utf16EncodingsThenBase64() throws {
        XCTAssertEqual(try m("sel:\n    CommandLine|wide|base64|contains: 'whoami'\ncondition: sel"), [2])
        XCTAssertEqual(try m("sel:\n    CommandLine|utf16le|base64|contains: 'whoami'\ncondition: sel"), [2])
        XCTAssertEqual(try m("sel:\n    CommandLine|utf16be|base64|contains: 'whoami'\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    CommandLine|utf16|base64|contains: 'whoami'\ncondition: sel"), [], "utf16 carries a byte order mark")
        XCTAssertEqual(try m("sel:\n    CommandLine|wide|base64offset|contains: 'whoami'\ncondition: sel"), [2])
    }

    func testSigma_hashParts() throws {
        XCTAssertEqual(try m("sel:\n    Hashes|contains: 'MD5=bbb2'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    md5: 'bbb2'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    Imphash: 'DDD4'\ncondition: sel"), [1])
        XCTAssertEqual(try m("sel:\n    sha256: 'AAA1'\ncondition: sel"), [])
    }

    func testSigma_numericComparisonsAndNeq() throws {
        XCTAssertEqual(try m("sel:\n    ProcessId|gte: 4242\ncondition: sel"), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try m("sel:\n    ProcessId|gt: 4242\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    ProcessId|lt: 4243\ncondition: sel"), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try m("sel:\n    ProcessId|lte: 4241\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    User|neq: 'NT AUTHORITY\\SYSTEM'\ncondition: sel"), [2])
    }

    func testSigma_fieldref() throws {
        XCTAssertEqual(try m("sel:\n    Image|fieldref: ParentImage\ncondition: sel"), [])
        XCTAssertEqual(try m("sel:\n    ParentCommandLine|fieldref: ParentImage\ncondition: sel"), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try m("sel:\n    CommandLine|fieldref|contains: ProcessId\ncondition: sel"), [])
    }

    func testSigma_expandWithPlaceholders() throws {
        let detection = "sel:\n    Image|expand: '%tools%'\ncondition: sel"
        XCTAssertEqual(try m(detection, placeholders: ["tools": [#"*\cmd.exe"#, #"*\net.exe"#]]), [1, 5])
        XCTAssertTrue(SigmaHarness.reason(detection).contains("placeholder %tools% has no value"))
    }

    func testSigma_cidr() throws {
        let lines = [
            F.network(record: 1, ms: 0, sourceIp: "10.1.2.3"),
            F.network(record: 2, ms: 1, sourceIp: "192.168.1.1"),
            F.network(record: 3, ms: 2, sourceIp: "fd00::5"),
        ]
        let harness = try SigmaHarness(lines)
        func n(_ detection: String) throws -> [Int] { try harness.matches(detection, category: "network_connection") }
        XCTAssertEqual(try n("sel:\n    SourceIp|cidr: '10.0.0.0/8'\ncondition: sel"), [1])
        XCTAssertEqual(try n("sel:\n    SourceIp|cidr:\n        - '192.168.0.0/16'\n        - 'fd00::/8'\ncondition: sel"), [2, 3])
        XCTAssertEqual(try n("sel:\n    SourceIp|cidr: '11.0.0.0/8'\ncondition: sel"), [])
        XCTAssertEqual(try n("sel:\n    Initiated: 'false'\n    DestinationPort: 49700\n    SourceIsIpv6: 'true'\ncondition: sel"), [3])
        XCTAssertEqual(try n("sel:\n    Initiated: true\ncondition: sel"), [], "the connections are incoming")
    }

    func testSigma_keywords() throws {
        XCTAssertEqual(try m("keywords:\n    - 'whoami'\ncondition: keywords"), [1])
        XCTAssertEqual(try m("keywords:\n    '|all':\n        - 'cmd'\n        - 'whoami'\ncondition: keywords"), [1])
        XCTAssertEqual(try m("keywords:\n    - 'nothing-like-this'\ncondition: keywords"), [])
    }
}
