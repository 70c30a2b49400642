import XCTest
import HuntDB

/// Windows Security 4688 / 4689 / 5156 / 4608 from every dialect: the same rows, the same
/// links, and remote_service_rpc on a host without Sysmon.
final class SecuritySourceTests: XCTestCase {
    typealias F = SecurityFixture
    private let events = SecurityFixture.lateralMovement
    private let key = "ws9.corp.example"

    private enum Dialect: String, CaseIterable {
        case flat, winlogbeat, winlogbeatECS, evtxJSON, xml, evtx, gzip
    }

    private func write(_ dialect: Dialect, _ events: [SecurityEvent], in scratch: Scratch, name: String? = nil) throws -> String {
        let name = name ?? "security-\(dialect.rawValue)"
        switch dialect {
        case .flat: return try scratch.write(name + ".json", lines: events.map { F.flat($0) })
        case .winlogbeat: return try scratch.write(name + ".json", lines: events.map(F.winlogbeat))
        case .winlogbeatECS: return try scratch.write(name + ".json", lines: events.map(F.winlogbeatECS))
        case .evtxJSON: return try scratch.write(name + ".json", lines: events.map(F.evtxJSON))
        case .xml: return try scratch.write(name + ".xml", text: "<Events>" + events.map(F.xml).joined(separator: "\n") + "</Events>")
        case .evtx:
            let path = scratch.path(name + ".evtx")
            let writer = try EVTXWriter(output: try EVTXFileOutput(path: path))
            for event in events { try writer.append(F.windowsEvent(event)) }
            try writer.finish()
            return path
        case .gzip:
            let text = events.map { F.flat($0) }.joined(separator: "\n") + "\n"
            return try scratch.write(name + ".json.gz", bytes: try GzipFixture.compress(Array(text.utf8)))
        }
    }

    /// The precision each dialect's time has.
    private func precision(_ dialect: Dialect) -> Int64 {
        switch dialect {
        case .flat, .gzip: 1_000_000
        case .winlogbeat, .winlogbeatECS: 1_000
        case .evtxJSON, .xml, .evtx: 1
        }
    }

    func testEveryDialect_storesTheSameProcessesConnectionsAndLinks() throws {
        for dialect in Dialect.allCases {
            let scratch = try Scratch()
            let (store, report) = try scratch.load([try write(dialect, events, in: scratch)])
            let d = dialect.rawValue
            XCTAssertEqual(report.totals.read, 10, d)
            XCTAssertEqual(report.totals.loaded, 10, d)
            XCTAssertEqual(report.totals.rejected, 0, "\(d): \(report.sources.first?.firstRejects ?? [])")
            XCTAssertEqual(try store.count("processes"), 3, d)
            XCTAssertEqual(try store.count("network_connections"), 5, d)
            XCTAssertEqual(try store.column("SELECT kind FROM lifecycle_events ORDER BY ts_us"), ["boot", "exit"], d)
            XCTAssertEqual(Set(try store.column("SELECT source_kind FROM processes UNION SELECT source_kind FROM network_connections")),
                           ["security"], d)
            XCTAssertEqual(Set(try store.column("SELECT ts_precision_us FROM processes UNION SELECT ts_precision_us FROM network_connections")),
                           [String(precision(dialect))], d)

            // Times: the most precise each dialect has (the fixture's exact time, cut to it).
            let p = precision(dialect)
            XCTAssertEqual(try store.column("SELECT ts_us FROM processes WHERE name = 'cmd.exe'"), [String(F.at(600_600) / p * p)], d)

            // Entities: services.exe started at boot, never seen starting; cmd.exe its child.
            let boot = F.at(0) / p * p
            let services = "security:\(key):704:boot@\(boot)"
            let cmd = "security:\(key):\(0x2344):\(F.at(600_600) / p * p)"
            XCTAssertEqual(try store.column("SELECT entity_id FROM network_connections WHERE name = 'services.exe'"), [services], d)
            XCTAssertEqual(try store.column("SELECT entity_id || ' < ' || parent_entity_id FROM processes WHERE name = 'cmd.exe'"),
                           ["\(cmd) < \(services)"], d)
            XCTAssertEqual(try store.column("SELECT parent_entity_id FROM processes WHERE name = 'powershell.exe'"), [cmd], d)
            XCTAssertEqual(try store.column("SELECT entity_id FROM lifecycle_events WHERE kind = 'exit'"), [cmd], d)
            XCTAssertEqual(try store.column("""
                SELECT count(*) FROM network_connections AS n JOIN processes AS p ON p.entity_id = n.entity_id
                WHERE n.name = 'powershell.exe' AND p.name = 'powershell.exe'
                """), ["1"], d)

            // Fields: pids from hex, users, integrity, directions, protocols, volumes.
            XCTAssertEqual(try store.column("""
                SELECT pid || '|' || parent_pid || '|' || parent_name || '|' || user_domain || '\\' || user_name || '|' || integrity_level
                FROM processes WHERE name = 'cmd.exe'
                """), ["\(0x2344)|704|services.exe|CORP\\WS9$|System"], d)
            XCTAssertEqual(try store.column("""
                SELECT executable || '|' || direction || '|' || transport || '|' || source_ip || ':' || source_port || '|' || destination_port
                FROM network_connections ORDER BY ts_us
                """), [
                    #"C:\windows\system32\svchost.exe|incoming|tcp|10.0.0.5:50122|135"#,
                    #"C:\windows\system32\services.exe|incoming|tcp|10.0.0.5:50123|49726"#,
                    #"C:\windows\system32\windowspowershell\v1.0\powershell.exe|outgoing|tcp|10.0.0.9:63854|80"#,
                    "System|outgoing|udp|10.0.0.9:137|137",
                    #"C:\windows\system32\svchost.exe|outgoing|47|10.0.0.9:0|0"#,
                ], d)

            // The lateral movement is found without Sysmon.
            let alerts = try DetectionHarness(store: store).alerts("remote_service_rpc")
            XCTAssertEqual(alerts.count, 1, d)
            XCTAssertEqual(alerts.first?.servicesEntityID, services, d)
            XCTAssertEqual(alerts.first?.childExecutable, #"C:\Windows\System32\cmd.exe"#, d)
            XCTAssertEqual(alerts.first?.sourcePort, 50123, d)
        }
    }

    func testEveryDialectTogether_storesEachRecordOnceWithTheMostPreciseTime() throws {
        let scratch = try Scratch()
        // The coarsest first, so every later copy refines the stored time.
        let order: [Dialect] = [.flat, .winlogbeat, .winlogbeatECS, .evtxJSON, .xml, .evtx, .gzip]
        let paths = try order.map { try write($0, events, in: scratch) }
        let (store, report) = try scratch.load(paths)
        XCTAssertEqual(report.totals.loaded, 10)
        XCTAssertEqual(report.totals.duplicates, 60)
        let (reference, _) = try scratch.load([try write(.xml, events, in: scratch, name: "only")], db: "xml.db")
        let columns = "SELECT ts_us, ts_precision_us, entity_id, parent_entity_id, executable FROM processes ORDER BY ts_us"
        XCTAssertEqual(try store.column(columns), try reference.column(columns))
        let network = "SELECT ts_us, ts_precision_us, entity_id, executable FROM network_connections ORDER BY ts_us"
        XCTAssertEqual(try store.column(network), try reference.column(network))
        XCTAssertEqual(try DetectionHarness(store: store).alerts("remote_service_rpc").count, 1)
    }

    func testLoadOrder_doesNotChangeLinksAndReloadingAddsNothing() throws {
        let scratch = try Scratch()
        let whole = try write(.xml, events, in: scratch, name: "whole")
        let first = try write(.xml, Array(events.prefix(5)), in: scratch, name: "first")
        let second = try write(.xml, Array(events.dropFirst(5)), in: scratch, name: "second")
        let (reference, _) = try scratch.load([whole], db: "whole.db")
        let (store, _) = try scratch.load([second, first], db: "reversed.db")
        let again = try Loader(store: store).load([whole, first, second])
        XCTAssertEqual(again.totals.loaded, 0)
        XCTAssertEqual(again.totals.duplicates, 20)
        for sql in ["SELECT ts_us, entity_id, parent_entity_id FROM processes ORDER BY ts_us",
                    "SELECT ts_us, entity_id, executable FROM network_connections ORDER BY ts_us",
                    "SELECT ts_us, entity_id FROM lifecycle_events ORDER BY ts_us"] {
            XCTAssertEqual(try store.column(sql), try reference.column(sql), sql)
        }
        let problems = try store.check().problems
        XCTAssertTrue(problems.isEmpty, "\(problems)")
    }

    /// Whole seconds pair when the true times can be within the window, and only then.
    func testRemoteServiceWindow_isHonestAboutWholeSeconds() throws {
        func alerts(connectionMs: Int, childMs: Int, window: String?) throws -> [Alert] {
            let services = #"\device\harddiskvolume2\windows\system32\services.exe"#
            let lines = [F.connection(record: 1, ms: connectionMs, pid: 704, application: services),
                         F.processStart(record: 2, ms: childMs, pid: 0x2344, creator: "0x2c0", image: #"C:\Windows\Temp\x.exe"#)]
                .map { F.flat($0) }
            var options = DetectionOptions()
            options.windowMillis = window.flatMap { Int64($0) }
            return try DetectionHarness(lines).alerts("remote_service_rpc", options: options)
        }
        // 600.9 s and 601.2 s are 0.3 s apart but read 600 and 601: a 500 ms window must pair them.
        XCTAssertEqual(try alerts(connectionMs: 600_900, childMs: 601_200, window: "500").map(\.deltaMillis), [1000])
        // Seconds 600 and 602 are at least 1.000001 s apart: beyond the default window.
        XCTAssertEqual(try alerts(connectionMs: 600_000, childMs: 602_100, window: nil).count, 0)
        // A child in the connection's own second pairs; a child a second before it does not.
        XCTAssertEqual(try alerts(connectionMs: 600_800, childMs: 600_100, window: nil).map(\.deltaMillis), [0])
        XCTAssertEqual(try alerts(connectionMs: 601_000, childMs: 600_900, window: nil).count, 0)
    }
}
