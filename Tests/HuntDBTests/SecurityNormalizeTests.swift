import XCTest
import HuntDB

/// Security records that are messier than the schema: rejects naming the field, a creator pid
/// that cannot be trusted, protocol numbers, NXLog's local EventTime.
final class SecurityNormalizeTests: XCTestCase {
    typealias F = SecurityFixture

    private func load(_ lines: [String]) throws -> (Scratch, SQLiteStore, LoadReport) {
        let scratch = try Scratch()
        let (store, report) = try scratch.load([try scratch.write("security.json", lines: lines)])
        return (scratch, store, report)
    }

    private func with(_ event: SecurityEvent, _ name: String, _ value: String?) -> SecurityEvent {
        var event = event
        event.data.removeAll { $0.0 == name }
        if let value { event.data.append((name, value)) }
        return event
    }

    func testBadRecords_areRejectedNamingRecordAndField_andTheRestLoads() throws {
        let good = F.lateralMovement
        let start = F.lateralMovement[4], connection = F.lateralMovement[3]
        let bad = [
            with(start, "NewProcessName", nil),
            with(start, "NewProcessId", "0xzz"),
            with(connection, "ProcessID", "abc"),
            with(connection, "Direction", "%%14599"),
            with(with(with(with(connection, "SourceAddress", nil), "DestAddress", nil), "SourcePort", nil), "DestPort", nil),
            with(connection, "DestPort", "99999"),
        ].enumerated().map { i, e -> SecurityEvent in var e = e; e.record = 100 + i; return e }
        let (_, store, report) = try load((good + bad).map { F.flat($0) })
        XCTAssertEqual(report.totals.loaded, 10)
        XCTAssertEqual(report.totals.rejected, 6)
        XCTAssertTrue(report.totals.addsUp)
        let reasons = try store.column("SELECT record || ': ' || reason FROM rejects ORDER BY record")
        XCTAssertEqual(reasons.count, 6)
        for (reason, expected) in zip(reasons, ["11: the 4688 event has no NewProcessName", "12: NewProcessId \"0xzz\" is not a process id",
                                                 "13: ProcessID \"abc\" is not a process id",
                                                 "14: Direction \"%%14599\" is not a known direction",
                                                 "15: the 5156 event has no SourceAddress/DestAddress",
                                                 "16: DestPort \"99999\" is not a port number"]) {
            XCTAssertTrue(reason.hasPrefix(expected), "\(reason) should start with \(expected)")
        }
        XCTAssertEqual(report.sources.first?.firstRejects.first?.record, 11)
        XCTAssertTrue(report.sources.first?.firstRejects.first?.path.hasSuffix("security.json") ?? false)
    }

    func testCreatorPidACollectorOverwrote_loadsWithAnUnknownParent() throws {
        let start = F.lateralMovement[4]
        let (_, store, report) = try load([F.flat(with(start, "ProcessId", "4")), F.flat(with(F.lateralMovement[5], "ProcessId", nil))])
        XCTAssertEqual(report.totals.loaded, 2)
        XCTAssertEqual(report.totals.incomplete, 2)
        XCTAssertEqual(try store.column("SELECT name || '|' || coalesce(parent_pid, 'NULL') || '|' || coalesce(parent_entity_id, 'NULL') FROM processes ORDER BY ts_us"),
                       ["cmd.exe|NULL|NULL", "powershell.exe|NULL|NULL"])
        XCTAssertEqual(try store.column("SELECT DISTINCT reason FROM warnings"), ["missing ProcessId (the creator's; parent unknown)"])
    }

    func testProtocols_usualOnesNamedOthersKeptAsNumbers() throws {
        let numbers = ["1": "icmp", "2": "igmp", "6": "tcp", "17": "udp", "58": "ipv6-icmp", "47": "47", "132": "132"]
        let events = numbers.keys.sorted().enumerated().map { i, number in
            F.connection(record: i + 1, ms: i, pid: 4, application: "System", protocolNumber: number)
        }
        let (_, store, report) = try load(events.map { F.flat($0) })
        XCTAssertEqual(report.totals.loaded, Int64(numbers.count))
        XCTAssertEqual(try store.column("SELECT transport FROM network_connections ORDER BY ts_us"), numbers.keys.sorted().map { numbers[$0]! })
    }

    func testNXLogEventTime_isLocalTimeMadeUTCFromTheCollectorTimes() throws {
        let event = F.lateralMovement[4]
        for zone in [-4, 0, 5, 13] {
            let (_, store, _) = try load([F.flat(event, zoneHours: zone)])
            XCTAssertEqual(try store.column("SELECT ts_us || '/' || ts_precision_us FROM processes"), ["\(F.at(600_000))/1000000"], "UTC\(zone)")
        }
        // Without the collector's times the zone cannot be known: read as UTC, and said so.
        let (_, store, report) = try load([F.flat(event, zoneHours: -4, collectorTimes: false)])
        XCTAssertEqual(try store.column("SELECT ts_us FROM processes"), [String(F.at(600_000) - 4 * 3_600_000_000)])
        XCTAssertEqual(report.totals.incomplete, 1)
        XCTAssertEqual(try store.column("SELECT reason FROM warnings"), ["missing the zone of EventTime (UTC assumed: no EventReceivedTime and @timestamp)"])
    }

    func testNamesCompareOnTheExactBasename() throws {
        let lookalike = F.connection(record: 1, ms: 0, pid: 2000,
                                     application: #"\device\harddiskvolume2\windows\adws\microsoft.activedirectory.webservices.exe"#)
        let (_, store, _) = try load([F.flat(lookalike)])
        XCTAssertEqual(try store.column("SELECT name FROM network_connections"), ["microsoft.activedirectory.webservices.exe"])
        XCTAssertEqual(try store.column("SELECT count(*) FROM network_connections WHERE name = 'services.exe'"), ["0"])
    }

    func testIrrelevantSecurityEvents_areSkippedAndCounted() throws {
        let logon = #"{"EventID":4634,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"security","Hostname":"WS9","RecordNumber":5}"#
        let (_, _, report) = try load([logon, F.flat(F.lateralMovement[4])])
        XCTAssertEqual(report.totals.notRelevant, 1)
        XCTAssertEqual(report.totals.loaded, 1)
    }
}
