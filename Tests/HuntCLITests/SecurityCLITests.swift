import Foundation
import XCTest

/// A host without Sysmon, through the real binary: load its Security log, detect, coverage,
/// stats and check.
final class SecurityCLITests: XCTestCase {
    /// One flat NXLog Security line (channel `security`, local time UTC-4 with the collector's times).
    private func line(_ id: Int, record: Int, second: Int, host: String, _ data: [String: String]) -> String {
        let local = String(format: "2026-11-01 06:%02d:%02d", second / 60, second % 60)
        let received = String(format: "2026-11-01 06:%02d:%02d", (second + 2) / 60, (second + 2) % 60)
        let utc = String(format: "2026-11-01T10:%02d:%02d.200Z", (second + 2) / 60, (second + 2) % 60)
        var fields: [String: Any] = ["EventID": id, "SourceName": "Microsoft-Windows-Security-Auditing", "Channel": "security",
                                     "Hostname": host, "RecordNumber": record, "EventTime": local,
                                     "EventReceivedTime": received, "@timestamp": utc]
        for (k, v) in data { fields[k] = v }
        let json = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: json, as: UTF8.self)
    }

    private func connection(record: Int, second: Int, host: String, pid: String, application: String, sourcePort: String) -> String {
        line(5156, record: record, second: second, host: host, [
            "ProcessId": pid, "Application": application, "Direction": "%%14592", "SourceAddress": "10.0.0.5",
            "SourcePort": sourcePort, "DestAddress": "10.0.0.9", "DestPort": "49726", "Protocol": "6"])
    }

    private func start(record: Int, second: Int, host: String, pid: String, creator: String, image: String, parent: String) -> String {
        line(4688, record: record, second: second, host: host, [
            "NewProcessId": pid, "ProcessId": creator, "NewProcessName": image, "ParentProcessName": parent,
            "CommandLine": image + " /c whoami", "SubjectUserName": "WS9$", "SubjectDomainName": "CORP",
            "TargetUserName": "-", "TargetDomainName": "-", "MandatoryLabel": "S-1-16-16384"])
    }

    func testHostWithoutSysmon_isCoveredAndItsLateralMovementFound() throws {
        let services = #"\device\harddiskvolume2\windows\system32\services.exe"#
        let lines = [
            connection(record: 1, second: 10, host: "WS9.corp", pid: "704", application: services, sourcePort: "50123"),
            start(record: 2, second: 10, host: "WS9.corp", pid: "0x2344", creator: "0x2c0", image: #"C:\Windows\Temp\evil.exe"#,
                  parent: #"C:\Windows\System32\services.exe"#),
            // WS10 logs processes and connections, but no services.exe connection.
            connection(record: 1, second: 20, host: "WS10.corp", pid: "996", application: #"\device\harddiskvolume2\windows\system32\svchost.exe"#,
                       sourcePort: "50124"),
            start(record: 2, second: 21, host: "WS10.corp", pid: "0x100", creator: "0x3e4", image: #"C:\Windows\System32\cmd.exe"#,
                  parent: #"C:\Windows\System32\svchost.exe"#),
        ]
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, try dir.write("security.json", lines.joined(separator: "\n") + "\n")])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 4 = loaded 4"), load.stderr)

        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "csv"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        XCTAssertTrue(detect.stdout.contains("WS9.corp,2026-11-01T10:00:10.000Z,2026-11-01T10:00:10.000Z,0,10.0.0.5,50123,10.0.0.9,49726,security:ws9.corp:704:before-logs,704,security:ws9.corp:9028:1793527210000000,9028,"),
                      detect.stdout)
        XCTAssertTrue(detect.stderr.contains("WS10.corp"), "coverage names the host without services.exe connections: \(detect.stderr)")

        let coverage = try HuntProcess.run(["coverage", "--db", db, "--format", "csv"])
        XCTAssertTrue(coverage.stdout.contains(#"WS9.corp,yes,yes,no,no,yes,"all rules can fire; no logon events"#), coverage.stdout)
        XCTAssertTrue(coverage.stdout.contains("WS10.corp,yes,yes,no,no,no,"), coverage.stdout)

        let stats = try HuntProcess.run(["stats", "--db", db, "--format", "csv"])
        XCTAssertTrue(stats.stdout.contains("processes,2,0,2,0,2,"), stats.stdout)
        let check = try HuntProcess.run(["check", db])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        // Loading again adds nothing and changes no link.
        let again = try HuntProcess.run(["load", "--db", db, dir.path("security.json")])
        XCTAssertTrue(again.stderr.contains("loaded 0 + duplicates 4"), again.stderr)
    }
}
