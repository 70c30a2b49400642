import HuntDB
@testable import Model
@testable import Generate
import XCTest

/// Sysmon `.evtx` files for the recovery tests: events that all load, written with the EVTX
/// writer, then damaged byte by byte the way incident-response copies are.
enum EVTXRecoveryFixture {
    typealias S = EVTXTestSupport

    /// 2026-11-01 10:00:00 UTC as FILETIME ticks.
    static let firstTicks: UInt64 = 134_380_008_000_000_000

    /// `count` Sysmon events on WS1, one second apart, with EventRecordIDs 1…count: process
    /// creations (EventID 1) at even indexes and incoming connections to services.exe
    /// (EventID 3) at odd ones, so each chunk defines two templates, in its first two records.
    static func events(_ count: Int) -> [WindowsEvent] {
        (0 ..< count).map { i in
            let ticks = firstTicks + UInt64(i) * 10_000_000
            var e = WindowsEvent(providerName: "Microsoft-Windows-Sysmon", eventID: i % 2 == 0 ? "1" : "3",
                                 timeCreated: EVTXTime.format(fileTime: ticks), recordID: String(i + 1),
                                 channel: "Microsoft-Windows-Sysmon/Operational", computer: "WS1.corp.example")
            let utc = String(EVTXTime.format(fileTime: ticks).prefix(23)).replacingOccurrences(of: "T", with: " ")
            let guid = String(format: "{00000000-0000-0000-0000-%012d}", i)
            let fields: [(String, String)]
            if i % 2 == 0 {
                fields = [("UtcTime", utc), ("ProcessGuid", guid), ("ProcessId", String(1000 + i)),
                          ("Image", #"C:\Windows\System32\cmd.exe"#), ("CommandLine", "cmd.exe /c echo \(i)"),
                          ("User", #"NT AUTHORITY\SYSTEM"#), ("ParentProcessGuid", "{00000000-0000-0000-0000-000000000700}"),
                          ("ParentProcessId", "700"), ("ParentImage", #"C:\Windows\System32\services.exe"#),
                          ("ParentCommandLine", "")]
            } else {
                fields = [("UtcTime", utc), ("ProcessGuid", "{00000000-0000-0000-0000-000000000700}"), ("ProcessId", "700"),
                          ("Image", #"C:\Windows\System32\services.exe"#), ("User", #"NT AUTHORITY\SYSTEM"#),
                          ("Protocol", "tcp"), ("Initiated", "false"), ("SourceIp", "10.0.0.5"),
                          ("SourcePort", String(50000 + i)), ("DestinationIp", "10.0.0.9"), ("DestinationPort", "49700")]
            }
            e.data = fields.map { WindowsEvent.DataItem(name: $0.0, value: $0.1) }
            return e
        }
    }

    /// Loads `bytes` as `name` into a fresh store with the real loader; returns its one source report.
    static func load(_ bytes: [UInt8], name: String = "damaged.evtx",
                     file: StaticString = #filePath, line: UInt = #line) throws -> SourceReport {
        let scratch = try Scratch()
        let path = try scratch.write(name, bytes: bytes)
        let (_, report) = try scratch.load([path])
        XCTAssertEqual(report.sources.count, 1, file: file, line: line)
        let source = try XCTUnwrap(report.sources.first, file: file, line: line)
        XCTAssertTrue(source.counts.addsUp, "\(source.counts)", file: file, line: line)
        XCTAssertEqual(source.status, .complete, source.message ?? "", file: file, line: line)
        return source
    }

    /// Zeroes every checksum: the file header's and each chunk's header and event records checksums.
    static func zeroChecksums(_ b: inout [UInt8]) {
        S.put32(&b, 124, 0)
        for c in S.chunkOffsets(b) {
            S.put32(&b, c + 52, 0)
            S.put32(&b, c + 124, 0)
        }
    }
}
