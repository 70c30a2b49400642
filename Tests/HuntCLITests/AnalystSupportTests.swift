import Foundation
import XCTest

/// Flat Sysmon NDJSON lines (the NXLog / Security-Datasets dialect) for the analyst tests.
enum AnalystFixture {
    /// 2026-11-01T10:00:00Z in microseconds.
    static let baseMicros: Int64 = 1_793_527_200_000_000
    static let baseISO = "2026-11-01T10:00:00Z"

    /// `seconds` after the base time, as ISO-8601 with milliseconds (how hunt prints times).
    static func iso(_ seconds: Double) -> String {
        let date = Date(timeIntervalSince1970: Double(baseMicros) / 1e6 + seconds)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Sysmon's UtcTime spelling of `iso(seconds)`.
    static func utc(_ seconds: Double) -> String {
        iso(seconds).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    static func guid(_ n: Int) -> String { String(format: "{B34BC01C-%04X-5F63-0100-000000000400}", n) }
    static func entity(_ n: Int) -> String { String(format: "b34bc01c-%04x-5f63-0100-000000000400", n) }

    static func process(host: String, record: Int, at seconds: Double, guid: Int, image: String,
                        commandLine: String? = nil, parent: Int, parentImage: String, pid: Int = 4000) -> String {
        line([
            "EventID": 1, "SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Hostname": host, "RecordNumber": record, "UtcTime": utc(seconds),
            "ProcessGuid": Self.guid(guid), "ProcessId": String(pid), "Image": image,
            "CommandLine": commandLine ?? "\"\(image)\"", "User": #"CORP\alice"#,
            "ParentProcessGuid": Self.guid(parent), "ParentProcessId": "600", "ParentImage": parentImage,
        ])
    }

    static func network(host: String, record: Int, at seconds: Double, guid: Int, image: String, incoming: Bool,
                        source: (String, Int), destination: (String, Int)) -> String {
        line([
            "EventID": 3, "SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Hostname": host, "RecordNumber": record, "UtcTime": utc(seconds),
            "ProcessGuid": Self.guid(guid), "ProcessId": "700", "Image": image, "User": #"NT AUTHORITY\SYSTEM"#,
            "Protocol": "tcp", "Initiated": incoming ? "false" : "true",
            "SourceIp": source.0, "SourcePort": String(source.1), "DestinationIp": destination.0, "DestinationPort": String(destination.1),
        ])
    }

    static func line(_ fields: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `lines` to a file, loads it into a new database with the real binary, returns the
    /// database path.
    static func database(_ lines: [String], in directory: TemporaryDirectory, name: String = "case",
                         file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let events = try directory.write("\(name).ndjson", lines.joined(separator: "\n") + "\n")
        let db = directory.path("\(name).db")
        let load = try HuntProcess.run(["load", "--db", db, "--quiet", events])
        XCTAssertEqual(load.status, 0, load.stderr, file: file, line: line)
        return db
    }

    // MARK: A small case: three hosts, one PsExec-like lateral movement

    static let ws1 = "WS1.corp.example", ws2 = "WS2.corp.example", dc1 = "DC1.corp.example"
    static let explorer = #"C:\Windows\explorer.exe"#, cmd = #"C:\Windows\System32\cmd.exe"#
    static let powershell = #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#
    static let whoami = #"C:\Windows\System32\whoami.exe"#, services = #"C:\Windows\System32\services.exe"#
    static let psexesvc = #"C:\Windows\PSEXESVC.exe"#, svchost = #"C:\Windows\System32\svchost.exe"#
    static let lsass = #"C:\Windows\System32\lsass.exe"#, userinit = #"C:\Windows\System32\userinit.exe"#
    static let evil = #"C:\Users\Public\evil.exe"#

    /// On WS1: explorer(1) → cmd(2) → powershell(3) → whoami(4), powershell connects out;
    /// services(10) gets an RPC connection then starts PSEXESVC(11), which starts evil(12).
    /// On WS2: explorer(21) → cmd(22); services(30) starts svchost(31). DC1 takes RPC on high ports.
    static var caseLines: [String] {
        [
            process(host: ws1, record: 1, at: 10, guid: 1, image: explorer, parent: 90, parentImage: userinit),
            process(host: ws1, record: 2, at: 20, guid: 2, image: cmd, commandLine: "cmd.exe /c powershell", parent: 1, parentImage: explorer),
            process(host: ws1, record: 3, at: 30, guid: 3, image: powershell, commandLine: "powershell -nop -w hidden", parent: 2, parentImage: cmd),
            process(host: ws1, record: 4, at: 40, guid: 4, image: whoami, commandLine: "whoami /all", parent: 3, parentImage: powershell),
            network(host: ws1, record: 5, at: 35, guid: 3, image: powershell, incoming: false,
                    source: ("10.0.0.21", 50500), destination: ("10.0.0.9", 445)),
            network(host: ws1, record: 6, at: 99.5, guid: 10, image: services, incoming: true,
                    source: ("10.0.0.5", 50123), destination: ("10.0.0.21", 49670)),
            process(host: ws1, record: 7, at: 100, guid: 11, image: psexesvc, commandLine: #"C:\Windows\PSEXESVC.exe"#, parent: 10, parentImage: services),
            process(host: ws1, record: 8, at: 200, guid: 12, image: evil, commandLine: #"C:\Users\Public\evil.exe -c 10.0.0.5"#, parent: 11, parentImage: psexesvc),
            network(host: ws1, record: 9, at: 201, guid: 12, image: evil, incoming: false,
                    source: ("10.0.0.21", 50600), destination: ("203.0.113.7", 443)),
            network(host: ws1, record: 10, at: 202, guid: 12, image: evil, incoming: false,
                    source: ("10.0.0.21", 50601), destination: ("203.0.113.7", 8443)),
            process(host: ws2, record: 1, at: 15, guid: 21, image: explorer, parent: 91, parentImage: userinit),
            process(host: ws2, record: 2, at: 25, guid: 22, image: cmd, parent: 21, parentImage: explorer),
            process(host: ws2, record: 3, at: 50, guid: 31, image: svchost, commandLine: "svchost.exe -k netsvcs", parent: 30, parentImage: services),
            network(host: dc1, record: 1, at: 60, guid: 40, image: lsass, incoming: true, source: ("10.0.0.5", 51000), destination: ("10.0.0.2", 49668)),
            network(host: dc1, record: 2, at: 61, guid: 40, image: lsass, incoming: true, source: ("10.0.0.6", 51001), destination: ("10.0.0.2", 49668)),
            network(host: dc1, record: 3, at: 62, guid: 41, image: services, incoming: true, source: ("10.0.0.6", 51002), destination: ("10.0.0.2", 49670)),
            network(host: dc1, record: 4, at: 63, guid: 41, image: services, incoming: true, source: ("127.0.0.1", 51003), destination: ("127.0.0.1", 49670)),
            network(host: dc1, record: 5, at: 64, guid: 40, image: lsass, incoming: true, source: ("10.0.0.6", 51004), destination: ("10.0.0.2", 135)),
        ]
    }
}

/// A strict RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside
/// quotes, CRLF (or LF) record ends. Anything else (a quote inside an unquoted field, text after
/// a closing quote, an unterminated quote) is an error.
enum RFC4180 {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false, afterQuote = false, atFieldStart = true
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                record.append(field)
                field = ""; afterQuote = false; atFieldStart = true
            case "\r", "\n":
                if c == "\r" {
                    guard scalars.first == "\n" else { throw ParseError(description: "a bare CR outside quotes") }
                    scalars.removeFirst()
                }
                record.append(field)
                records.append(record)
                record = []; field = ""; afterQuote = false; atFieldStart = true
            case "\"":
                guard atFieldStart else { throw ParseError(description: "a quote inside an unquoted field: \(field)") }
                quoted = true
                atFieldStart = false
            default:
                if afterQuote { throw ParseError(description: "text after a closing quote") }
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if quoted { throw ParseError(description: "an unterminated quoted field") }
        if !atFieldStart || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

final class AnalystSupportTests: XCTestCase {
    func testRFC4180_QuotesCommasAndLineBreaks() throws {
        let rows = try RFC4180.parse("a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"two\r\nlines\"\r\n,é,\r\n")
        XCTAssertEqual(rows, [["a", "b", "c"], ["x,1", "he said \"hi\"", "two\r\nlines"], ["", "é", ""]])
    }

    func testRFC4180_RejectsMalformedInput() {
        XCTAssertThrowsError(try RFC4180.parse("a,b\"c\r\n"))
        XCTAssertThrowsError(try RFC4180.parse("\"a\"b\r\n"))
        XCTAssertThrowsError(try RFC4180.parse("\"open\r\n"))
    }

    func testFixture_TimesMatchHuntsFormat() {
        XCTAssertEqual(AnalystFixture.iso(0), "2026-11-01T10:00:00.000Z")
        XCTAssertEqual(AnalystFixture.utc(99.5), "2026-11-01 10:01:39.500")
    }
}
