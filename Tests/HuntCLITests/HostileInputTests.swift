import Foundation
import XCTest

/// Attacker-shaped input through the real `hunt load`: each case ends with a clear message,
/// bounded memory and time, the valid records around it loaded, and a sound database.
final class HostileInputTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.path("case.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(removedAfter: self)
    }

    private static func process(_ record: Int, host: String = "WS1.corp.example", time: String = "2026-11-01 10:00:00.000",
                                image: String = #"C:\\Windows\\System32\\cmd.exe"#, commandLine: String = "cmd.exe /c ver",
                                extra: String = "") -> String {
        #"{"EventID":1,"SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational","Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"\#(time)","ProcessGuid":"{00000000-0000-0000-0000-\#(String(format: "%012d", record))}","ProcessId":"42","Image":"\#(image)","CommandLine":"\#(commandLine)"\#(extra)}"#
    }

    private static func network(_ record: Int, extra: String = "", port: String = "\"49700\"") -> String {
        #"{"EventID":3,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WS1.corp.example","RecordNumber":\#(record),"UtcTime":"2026-11-01 10:00:00.000","ProcessGuid":"{00000000-0000-0000-0000-000000000700}","Image":"C:\\Windows\\System32\\services.exe","Protocol":"tcp","Initiated":"false","SourceIp":"10.0.0.5","SourcePort":"50000","DestinationIp":"10.0.0.9","DestinationPort":\#(port)\#(extra)}"#
    }

    /// Loads `path`, expects `status`, a sound database and `stored` events; returns stderr.
    @discardableResult
    private func load(_ path: String, status: Int32, stored: Int64, maxSeconds: Double = 60,
                      file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let started = Date()
        let result = try HuntProcess.run(["load", "--db", db, path])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
        XCTAssertLessThan(seconds, maxSeconds, file: file, line: line)
        XCTAssertEqual(try Harness.storedEvents(db), stored, result.stderr, file: file, line: line)
        try Harness.assertSound(db, "after loading \(path)", file: file, line: line)
        return result.stderr
    }

    func testHostile_singleLineOf200MBIsSkippedWithBoundedMemory() throws {
        let file = try ChunkedFile(dir.path("huge.json"))
        try file.write(Self.process(1) + "\n")
        try file.write(#"{"EventID":1,"Hostname":"WS1","CommandLine":""#)
        try file.repeatByte(UInt8(ascii: "A"), count: 200 << 20)
        try file.write("\"}\n" + Self.process(2) + "\n")
        try file.close()
        let (result, peak, seconds) = try Harness.runMeasured(["load", "--db", db, file.path])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stderr.contains("line 2 (byte "), result.stderr)
        XCTAssertTrue(result.stderr.contains("the line is longer than 64 MiB; skipped"), result.stderr)
        XCTAssertEqual(try Harness.storedEvents(db), 2, "the records around the long line load")
        XCTAssertLessThan(seconds, 60)
        if let peak { XCTAssertLessThan(peak, 160, "peak memory \(peak) MiB: the line must never be held whole") }
        try Harness.assertSound(db, "after the 200 MB line")
        print("hostile 200 MB line: peak \(peak.map { String(format: "%.0f MiB", $0) } ?? "not measured"), \(String(format: "%.1f", seconds)) s")
    }

    func testHostile_jsonNested100kLevelsIsRejected() throws {
        let deepObject = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let deepArray = "{\"EventID\":1,\"x\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let ndjson = try dir.write("deep.json", [Self.process(1), deepObject, deepArray, Self.process(2)].joined(separator: "\n") + "\n")
        let stderr = try load(ndjson, status: 3, stored: 2)
        XCTAssertTrue(stderr.contains("line 2 (byte"), stderr)
        XCTAssertTrue(stderr.contains("line 3 (byte"), stderr)
        XCTAssertTrue(stderr.contains("nest"), stderr)
        // The same inside a pretty-printed array, framed by bracket depth rather than lines.
        let array = try dir.write("deep-array.json", "[\n" + [Self.process(3), deepObject, Self.process(4)].joined(separator: ",\n") + "\n]\n")
        try load(array, status: 3, stored: 4)
    }

    func testHostile_xmlDoctypeExternalEntitiesAndBombsAreNeverExpanded() throws {
        let secret = try dir.write("secret.txt", "TOP-SECRET-MARKER\n")
        func event(_ record: Int, _ commandLine: String) -> String {
            """
            <Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><EventRecordID>\(record)</EventRecordID>\
            <Computer>WS1.corp.example</Computer></System><EventData><Data Name='UtcTime'>2026-11-01 10:00:00.000</Data>\
            <Data Name='ProcessGuid'>{00000000-0000-0000-0000-00000000000\(record)}</Data><Data Name='Image'>C:\\x.exe</Data>\
            <Data Name='CommandLine'>\(commandLine)</Data></EventData></Event>
            """
        }
        let laughs = (1...9).map { "<!ENTITY lol\($0) \"" + String(repeating: "&lol\($0 - 1);", count: 10) + "\">" }.joined()
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE Events [<!ENTITY xxe SYSTEM "file://\(secret)"><!ENTITY lol0 "lol">\(laughs)<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
            <Events>
            \(event(1, "good one"))
            \(event(2, "&xxe;"))
            \(event(3, "&lol9;"))
            <Event><!DOCTYPE x [<!ENTITY y "z">]><System><EventID>1</EventID></System></Event>
            \(event(4, "also &amp; good"))
            </Events>
            """
        let path = try dir.write("hostile.xml", xml)
        let (result, peak, seconds) = try Harness.runMeasured(["load", "--db", db, path])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stderr.contains("undefined entity &xxe;"), result.stderr)
        XCTAssertTrue(result.stderr.contains("undefined entity &lol9;"), result.stderr)
        XCTAssertTrue(result.stderr.contains("DOCTYPE and markup declarations are not allowed"), result.stderr)
        XCTAssertLessThan(seconds, 10)
        if let peak { XCTAssertLessThan(peak, 100, "an expanded bomb would need gigabytes") }
        XCTAssertEqual(try Harness.rows(db, "SELECT command_line FROM processes ORDER BY source_record"), ["good one", "also & good"])
        // Nothing of the secret reached the database, its WAL or a reject excerpt.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: db + suffix))) ?? Data()
            XCTAssertNil(bytes.range(of: Data("TOP-SECRET-MARKER".utf8)), "the external entity was resolved into \(db)\(suffix)")
        }
        try Harness.assertSound(db, "after hostile XML")
    }

    func testHostile_invalidUTF8AndNULBytesAreRejectedOrKeptExactly() throws {
        var bytes = Array((Self.process(1) + "\n").utf8)
        bytes += Array(#"{"EventID":1,"Hostname":"WS1","CommandLine":"bad "#.utf8) + [0xFF, 0xFE, 0xC0, 0xAF] + Array("\"}\n".utf8)
        bytes += Array(#"{"EventID":1,"Hostname":"WS1","#.utf8) + [0x00, 0x00] + Array("\"x\":1}\n".utf8)
        bytes += Array((Self.process(2, commandLine: #"nul\u0000inside"#) + "\n").utf8)
        bytes += Array((Self.process(3, commandLine: #"lone surrogate \ud800 here"#) + "\n").utf8)
        bytes += [0x00] + Array("\n".utf8)
        bytes += Array((Self.process(4) + "\n").utf8)
        let path = dir.path("utf8.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try HuntProcess.run(["load", "--db", db, path])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stderr.contains("line 2 (byte") && result.stderr.contains("invalid UTF-8"), result.stderr)
        XCTAssertTrue(result.stderr.contains("line 3 (byte"), result.stderr)
        // Lines 1 and 6 always load; an escaped NUL or lone surrogate is either kept or rejected, never a crash.
        let stored = try Harness.storedEvents(db)
        XCTAssertGreaterThanOrEqual(stored, 2)
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM processes WHERE source_record IN (1, 7)"), 2)
        XCTAssertEqual(try Harness.scalar(db, "SELECT records_read FROM sources"), 7)
        try Harness.assertSound(db, "after invalid UTF-8")
        // What was kept can be read back by every output format.
        for format in ["table", "csv", "json", "ndjson"] {
            let out = try HuntProcess.run(["sql", "--db", db, "--format", format, "SELECT * FROM process_events"])
            XCTAssertEqual(out.status, 0, "\(format): \(out.stderr)")
        }
        // XML: a raw NUL and invalid UTF-8 inside an event reject that event only.
        var xml = Array("<Events><Event><System><EventID>1</EventID></System><EventData><Data Name='Image'>".utf8) + [0xFF, 0x00]
        xml += Array("</Data></EventData></Event></Events>\n".utf8)
        let xmlPath = dir.path("bad.xml")
        try Data(xml).write(to: URL(fileURLWithPath: xmlPath))
        let xmlResult = try HuntProcess.run(["load", "--db", db, xmlPath])
        XCTAssertEqual(xmlResult.status, 3, xmlResult.stderr)
        XCTAssertTrue(xmlResult.stderr.contains("invalid UTF-8"), xmlResult.stderr)
        try Harness.assertSound(db, "after invalid UTF-8 in XML")
    }

    func testHostile_numbersOutOfRangeAreRejectedWithTheirField() throws {
        let lines = [
            Self.process(1),
            Self.network(2, port: "\"65536\""),
            Self.network(3, port: "\"-1\""),
            Self.network(4, port: "1e400"),
            Self.network(5, port: "99999999999999999999999999"),
            Self.process(6, extra: #","ProcessId":"99999999999999999999""#),
            Self.process(7, extra: #","ProcessId":-5"#),
            #"{"EventID":1e999,"Hostname":"WS1","RecordNumber":8}"#,
            #"{"EventID":18446744073709551617,"Hostname":"WS1","RecordNumber":9}"#,
            Self.process(10).replacingOccurrences(of: #""RecordNumber":10"#, with: #""RecordNumber":18446744073709551616"#),
            Self.process(11).replacingOccurrences(of: #""RecordNumber":11"#, with: #""RecordNumber":-1e308"#),
            Self.network(12),
        ]
        let path = try dir.write("numbers.json", lines.joined(separator: "\n") + "\n")
        let result = try HuntProcess.run(["load", "--db", db, path])
        XCTAssertTrue(result.status == 3, result.stderr)
        XCTAssertTrue(result.stderr.contains(#"DestinationPort "65536" is not a port number"#), result.stderr)
        XCTAssertTrue(result.stderr.contains(#"DestinationPort "-1" is not a port number"#), result.stderr)
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM processes WHERE source_record = 1")
                       + Harness.scalar(db, "SELECT count(*) FROM network_connections WHERE source_record = 12"), 2)
        // Whatever was stored holds in-range values only.
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM network_connections WHERE destination_port NOT BETWEEN 0 AND 65535"), 0)
        XCTAssertEqual(try Harness.scalar(db, "SELECT count(*) FROM processes WHERE pid < 0 OR pid > 4294967295"), 0)
        XCTAssertEqual(try Harness.scalar(db, "SELECT records_read FROM sources"), Int64(lines.count))
        try Harness.assertSound(db, "after out-of-range numbers")
    }

    func testHostile_timestampsOfTheYears1601And9999LoadAndOthersAreRejected() throws {
        let lines = [
            Self.process(1, time: "1601-01-01 00:00:00.000"),
            Self.process(2, time: "9999-12-31 23:59:59.999"),
            Self.process(3, time: "1600-12-31 23:59:59.999"),
            Self.process(4, time: "10000-01-01 00:00:00.000"),
            Self.process(5, time: "2026-02-30 10:00:00.000"),
            Self.process(6, time: "2026-11-01 10:00:00.000"),
        ]
        let path = try dir.write("times.json", lines.joined(separator: "\n") + "\n")
        let stderr = try load(path, status: 3, stored: 3)
        XCTAssertTrue(stderr.contains(#"UtcTime "1600-12-31 23:59:59.999" is not a valid time"#), stderr)
        XCTAssertTrue(stderr.contains(#"UtcTime "10000-01-01 00:00:00.000" is not a valid time"#), stderr)
        XCTAssertTrue(stderr.contains(#"UtcTime "2026-02-30 10:00:00.000" is not a valid time"#), stderr)
        let times = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "SELECT time, ts_us FROM process_events ORDER BY ts_us"])
        XCTAssertEqual(times.status, 0, times.stderr)
        XCTAssertEqual(times.stdout, "time,ts_us\r\n1601-01-01T00:00:00.000Z,1601-01-01T00:00:00.000Z\r\n"
                       + "2026-11-01T10:00:00.000Z,2026-11-01T10:00:00.000Z\r\n9999-12-31T23:59:59.999Z,9999-12-31T23:59:59.999Z\r\n")
        for arguments in [["stats", "--db", db], ["stats", "hosts", "--db", db], ["stats", "hosts", "--db", db, "--since", "1601-01-01T00:00:00Z"]] {
            let stats = try HuntProcess.run(arguments)
            XCTAssertEqual(stats.status, 0, stats.stderr)
        }
        let detect = try HuntProcess.run(["detect", "--db", db])
        XCTAssertTrue(detect.status == 0 || detect.status == 2, detect.stderr)
    }

    /// Windows allows 32,767 characters in a path or command line: longer ones (forged logs) are
    /// cut to that (a path keeps its end, a command line its start), with a warning naming the
    /// fields, and the event still loads and detects.
    func testHostile_pathsAndCommandLinesOf1MBAreCutWithAWarning() throws {
        let longPath = #"C:\\"# + String(repeating: #"deep\\"#, count: 1 << 18) + "evil.exe"  // ~1.3 MB
        let longCommand = "evil.exe " + String(repeating: #"\"arg with spaces\" "#, count: 1 << 16)  // ~1.2 MB
        let path = try dir.write("long.json", [Self.process(1), Self.process(2, image: longPath, commandLine: longCommand), Self.process(3)]
            .joined(separator: "\n") + "\n")
        try load(path, status: 0, stored: 3, maxSeconds: 60)
        XCTAssertEqual(try Harness.scalar(db, "SELECT length(executable) FROM processes WHERE source_record = 2"), 32_767)
        XCTAssertEqual(try Harness.scalar(db, "SELECT name = 'evil.exe' FROM processes WHERE source_record = 2"), 1,
                       "a path keeps its end: rules match the file name")
        XCTAssertEqual(try Harness.scalar(db, "SELECT length(command_line) FROM processes WHERE source_record = 2"), 32_767)
        XCTAssertEqual(try Harness.scalar(db, "SELECT records_truncated FROM sources"), 1)
        XCTAssertEqual(try Harness.scalar(db, """
            SELECT count(*) FROM warnings WHERE record = 2 AND kind = 'truncated'
              AND reason = 'cut to 32,767 characters: Image (\(3 + 5 * (1 << 18) + 8) characters), CommandLine (\(9 + 18 * (1 << 16)) characters)'
            """), 1)
        let table = try HuntProcess.run(["sql", "--db", db, "SELECT executable, command_line FROM processes"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertLessThan(table.stdout.utf8.count, 100_000, "the table view truncates long fields")
        let detect = try HuntProcess.run(["detect", "--db", db])
        XCTAssertTrue(detect.status == 0 || detect.status == 2, detect.stderr)
    }

    /// Every corpus format cut at a random point and with random byte flips: the load says what
    /// went wrong, keeps what came before, and the database stays sound.
    func testHostile_everyFormatTruncatedAndFlippedThroughTheCLI() throws {
        var generator = SystemRandomNumberGenerator()
        for (dialect, gzip) in [("sysmon-flat", false), ("winlogbeat", false), ("ecs", false), ("evtx-json", false),
                                ("xml", false), ("evtx", false), ("sysmon-flat", true)] {
            let label = dialect + (gzip ? "+gzip" : "")
            let original = dir.path("\(label).in")
            try Harness.generate(dialect, events: 800, gzip: gzip, to: original)
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: original)))
            var cut = bytes
            let at = Int.random(in: bytes.count / 3..<bytes.count, using: &generator)
            cut.removeSubrange(at...)
            var flipped = bytes
            for _ in 0..<16 { flipped[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            for (kind, mutant) in [("cut at \(at)", cut), ("16 bytes flipped", flipped)] {
                let db = dir.path("\(label)-\(kind.prefix(3)).db")
                let path = dir.path("\(label)-\(kind.prefix(3)).input")
                try Data(mutant).write(to: URL(fileURLWithPath: path))
                let result = try HuntProcess.run(["load", "--db", db, path])
                let context = "\(label) \(kind): \(result.stderr)"
                XCTAssertTrue([0, 3].contains(result.status), context)
                XCTAssertTrue(result.stderr.contains("total: 1 file, read "), context)
                if result.status == 3 { XCTAssertTrue(result.stderr.contains("rejected:") || result.stderr.contains("FAILED:"), context) }
                try Harness.assertSound(db, context)
                if kind.hasPrefix("cut") {
                    XCTAssertGreaterThan(try Harness.storedEvents(db), 0, "\(context): the records before the cut load")
                }
            }
        }
    }
}
