import XCTest
@testable import Normalize

/// `PowerShellContextInfo.value` reads ContextInfo's `Name = value` lines in place; checked
/// against a plain Character-by-Character reading of the same rule on random texts.
final class PowerShellContextInfoTests: XCTestCase {
    func testValue_readsPowerShellsLines() {
        let info = "        Severity = Informational\r\n        Host Name = ConsoleHost\r\n"
            + "        Host Application = C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -noP -sta -w 1 -enc "
            + String(repeating: "SQBGACgAJABQAFMAVgBlAHIA", count: 400) + "  \r\n"
            + "        User = CORP\\pgustavo\r\n        Empty =   \r\n"
        XCTAssertEqual(PowerShellContextInfo.value("Host Name", in: info), "ConsoleHost")
        XCTAssertTrue(PowerShellContextInfo.value("Host Application", in: info)!.hasSuffix("SQBGACgAJABQAFMAVgBlAHIA"))
        XCTAssertEqual(PowerShellContextInfo.value("User", in: info), "CORP\\pgustavo")
        XCTAssertNil(PowerShellContextInfo.value("Empty", in: info), "an empty value")
        XCTAssertNil(PowerShellContextInfo.value("Host", in: info), "a name that is only a prefix of a line's name")
        XCTAssertNil(PowerShellContextInfo.value("Sequence Number", in: info))
        XCTAssertNil(PowerShellContextInfo.value("User", in: ""))
        XCTAssertEqual(PowerShellContextInfo.value("A", in: "X = 1\rA = 2\rB = 3"), "2", "lines ended by CR alone")
        XCTAssertEqual(PowerShellContextInfo.value("B", in: "A = 1\nB = 2"), "2", "lines ended by LF alone, no end at the last")
    }

    func testValue_agreesWithACharacterReading() {
        func reference(_ name: String, in info: String) -> String? {
            for line in info.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                var rest = line.drop { $0 == " " || $0 == "\t" }
                guard rest.hasPrefix(name) else { continue }
                rest = rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
                guard rest.first == "=" else { continue }
                var value = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
                return value.isEmpty ? nil : String(value)
            }
            return nil
        }
        let pieces = ["User", "Host", " ", "\t", "=", "\r\n", "\n", "\r", "a", "CORP\\x", "é", "Host Application", "User ="]
        var random = SystemRandomNumberGenerator()
        for length in 0..<30 {
            for _ in 0..<40 {
                let info = (0..<length).map { _ in pieces.randomElement(using: &random)! }.joined()
                for name in ["User", "Host Application", "Host"] {
                    XCTAssertEqual(PowerShellContextInfo.value(name, in: info), reference(name, in: info), "\(name) in \(info.debugDescription)")
                }
            }
        }
    }
}
