import Foundation
import XCTest
import HuntDB

/// Correlations with a timespan of 15 minutes or more and a lower limit (event_count,
/// value_count grouped by host) read only the events of slots whose per-host row counts could
/// reach the limit (SigmaCorrelationSQL+SlotPrefilter). Their alerts must be exactly those of
/// reading every event: checked here against a reference written in Swift over the fixture's
/// own events, on hours of different densities where the prefilter leaves most slots out.
final class SigmaCorrelationSlotPrefilterTests: XCTestCase {
    typealias F = SysmonFixture
    typealias H = SigmaCorrelationHarness

    private static let hourMs = 3_600_000
    private static let hosts = ["WS1.corp.example", "WS2.corp.example", "SRV3.corp.example"]
    private static let users = [#"CORP\alice"#, #"CORP\bob"#, #"CORP\carol"#, #"CORP\dave"#, #"CORP\erin"#]

    /// One fixture event: a cmd.exe start (matches the `cmd` base rule), a powershell.exe
    /// start (a process row no rule matches) or a connection to port 445 (`smb`).
    private struct Event {
        enum Kind { case cmd, ps, smb }
        var kind: Kind
        var ms: Int
        var host: String
        var user: String
        var line = 0
    }

    /// Hours of different densities per host, each event at a distinct millisecond: a quiet
    /// hour, bursts inside one hour, bursts across an hour boundary, and hours full of
    /// powershell starts (rows that count towards the slot bound but match no rule).
    private func events() -> [Event] {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        // Per host, per hour: (cmd, ps, smb) counts.
        let plan: [[(Int, Int, Int)]] = [
            [(3, 2, 1), (14, 1, 2), (2, 30, 0), (9, 1, 4), (11, 0, 1), (0, 0, 0), (22, 3, 3), (1, 1, 1)],
            [(1, 1, 0), (2, 40, 1), (6, 2, 6), (7, 2, 5), (2, 1, 1), (16, 0, 0), (0, 25, 0), (4, 4, 4)],
            [(12, 0, 0), (12, 0, 0), (0, 0, 0), (3, 3, 3), (20, 0, 2), (1, 0, 1), (5, 5, 5), (9, 0, 9)],
        ]
        var used = Set<Int>()
        var result: [Event] = []
        for (hostIndex, hours) in plan.enumerated() {
            for (hour, counts) in hours.enumerated() {
                for (kind, count) in [(Event.Kind.cmd, counts.0), (.ps, counts.1), (.smb, counts.2)] {
                    for _ in 0..<count {
                        // Bursts crowd the end of odd hours and the start of even ones.
                        let offset = hour % 2 == 1 ? Self.hourMs - 1 - next(Self.hourMs / 3) : next(Self.hourMs / 2)
                        var ms = hour * Self.hourMs + offset
                        while used.contains(ms) { ms += 1 }
                        used.insert(ms)
                        result.append(Event(kind: kind, ms: ms, host: Self.hosts[hostIndex], user: Self.users[next(Self.users.count)]))
                    }
                }
            }
        }
        result.sort { $0.ms < $1.ms }
        for index in result.indices { result[index].line = index + 1 }
        return result
    }

    private func harness(_ events: [Event]) throws -> H {
        try H(events.map { event in
            let guid = String(format: "{c0000000-0000-0000-0000-%012d}", event.line)
            switch event.kind {
            case .cmd:
                return F.process(host: event.host, record: event.line, ms: event.ms, guid: guid, image: #"C:\Windows\System32\cmd.exe"#, user: event.user)
            case .ps:
                return F.process(host: event.host, record: event.line, ms: event.ms, guid: guid,
                                 image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#, user: event.user)
            case .smb:
                return F.network(host: event.host, record: event.line, ms: event.ms, guid: guid, image: #"C:\Windows\System32\svchost.exe"#,
                                 initiated: "true", destinationPort: 445)
            }
        })
    }

    /// The reference: per host, the window [t − span, t] of every matching event (both ends
    /// inclusive); a candidate meets `holds`; the first candidate alerts, then the first whose
    /// window starts after the previous alert's event. Alerts as (time, lines, value), by time.
    private func expected(_ events: [Event], kinds: Set<Event.Kind>, spanMs: Int, value: ([Event]) -> Double,
                          holds: (Double) -> Bool) -> [(Int, [Int], Double)] {
        var alerts: [(Int, [Int], Double)] = []
        for host in Self.hosts {
            let matching = events.filter { $0.host == host && kinds.contains($0.kind) }
            var last: Int?
            for event in matching {
                let window = matching.filter { $0.ms >= event.ms - spanMs && $0.ms <= event.ms }
                let v = value(window)
                guard holds(v) else { continue }
                if let last, event.ms - spanMs <= last { continue }
                alerts.append((event.ms, window.map(\.line), v))
                last = event.ms
            }
        }
        return alerts.sorted { $0.0 < $1.0 }
    }

    private func assertSame(_ hits: [H.Hit], _ expected: [(Int, [Int], Double)], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(hits.map(\.timeMs), expected.map { Int64($0.0) }, "alert times", file: file, line: line)
        XCTAssertEqual(hits.map(\.lines), expected.map(\.1), "listed events", file: file, line: line)
        XCTAssertEqual(hits.map(\.value), expected.map(\.2), "values", file: file, line: line)
    }

    func testEventCount_hourWindowsAlertExactlyAsIfEveryEventWereRead() throws {
        let events = events()
        let h = try harness(events)
        var alerting = 0
        for limit in [2, 8, 12, 15, 20, 23, 40] {
            let body = "type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    gte: \(limit)"
            let want = expected(events, kinds: [.cmd], spanMs: Self.hourMs, value: { Double($0.count) }, holds: { $0 >= Double(limit) })
            assertSame(try h.hits(body), want)
            if !want.isEmpty { alerting += 1 }
        }
        XCTAssertGreaterThanOrEqual(alerting, 4, "most limits alert somewhere: the comparison is not of empty lists")
        // gt, eq and a range use the lower limit too.
        for (condition, holds) in [("gt: 14", { (v: Double) in v > 14 }), ("eq: 13", { $0 == 13 }),
                                   ("gte: 10\n    lte: 14", { $0 >= 10 && $0 <= 14 })] {
            let body = "type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    \(condition)"
            assertSame(try h.hits(body), expected(events, kinds: [.cmd], spanMs: Self.hourMs, value: { Double($0.count) }, holds: holds))
        }
    }

    func testEventCount_aBurstAcrossTheSlotBoundaryAlertsThoughNeitherSlotHoldsEnough() throws {
        // Three events at the end of 10:00–11:00 and three at the start of 11:00–12:00: each
        // hour-long slot holds three, the window ending at 11:10 holds six.
        let minute = 60_000
        let times = [50, 55, 59, 61, 65, 70].map { $0 * minute }
        let events = times.enumerated().map { Event(kind: .cmd, ms: $1, host: Self.hosts[0], user: Self.users[0], line: $0 + 1) }
        let hits = try harness(events).hits("type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    gte: 6")
        XCTAssertEqual(hits.map(\.timeMs), [Int64(70 * minute)])
        XCTAssertEqual(hits.first?.lines, [1, 2, 3, 4, 5, 6])
    }

    func testEventCount_rowsNoRuleMatchesFillTheSlotsButNeverCount() throws {
        // Two cmd starts and many powershell starts in one hour: the slot holds enough rows,
        // the window only two matches.
        var events = [Event(kind: .cmd, ms: 1000, host: Self.hosts[0], user: Self.users[0]),
                      Event(kind: .cmd, ms: 2000, host: Self.hosts[0], user: Self.users[0])]
        events += (0..<10).map { Event(kind: .ps, ms: 3000 + $0 * 1000, host: Self.hosts[0], user: Self.users[0]) }
        for index in events.indices { events[index].line = index + 1 }
        let h = try harness(events)
        XCTAssertEqual(try h.hits("type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    gte: 3").count, 0)
        XCTAssertEqual(try h.hits("type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    gte: 2").map(\.lines), [[1, 2]])
    }

    func testEventCount_aProcessAndANetworkRuleCountTogetherOverBothTables() throws {
        let events = events()
        let h = try harness(events)
        for limit in [10, 18, 26] {
            let body = "type: event_count\nrules:\n    - cmd\n    - smb\ngroup-by:\n    - Computer\ntimespan: 1h\ncondition:\n    gte: \(limit)"
            assertSame(try h.hits(body), expected(events, kinds: [.cmd, .smb], spanMs: Self.hourMs, value: { Double($0.count) }, holds: { $0 >= Double(limit) }))
        }
    }

    func testValueCount_hourWindowsAlertExactlyAsIfEveryEventWereRead() throws {
        let events = events()
        let h = try harness(events)
        for limit in [3, 4, 5] {
            let body = "type: value_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 90m\ncondition:\n    field: User\n    gte: \(limit)"
            let want = expected(events, kinds: [.cmd], spanMs: Self.hourMs * 3 / 2, value: { Double(Set($0.map(\.user)).count) },
                                holds: { $0 >= Double(limit) })
            assertSame(try h.hits(body), want)
        }
    }

    func testEventCount_withoutHostInTheGroupReadsEveryEventAndStillAlerts() throws {
        // No group-by: one group over every host; the prefilter does not apply.
        let events = events()
        let body = "type: event_count\nrules:\n    - cmd\ntimespan: 1h\ncondition:\n    gte: 30"
        let hits = try harness(events).hits(body)
        var last: Int?
        var want: [Int] = []
        let matching = events.filter { $0.kind == .cmd }
        for event in matching where matching.filter({ $0.ms >= event.ms - Self.hourMs && $0.ms <= event.ms }).count >= 30 {
            if let last, event.ms - Self.hourMs <= last { continue }
            want.append(event.ms)
            last = event.ms
        }
        XCTAssertFalse(want.isEmpty)
        XCTAssertEqual(hits.map(\.timeMs), want.map(Int64.init))
    }
}

extension SigmaCorrelationSlotPrefilterTests {
    func testPrefilter_appliesOnlyWhereItIsExact() throws {
        func usesPrefilter(_ body: String) -> Bool? {
            let set = H.set(H.correlation(body) + "\n---\n" + H.baseRules)
            return set.correlations.first.map { $0.query().sql.contains("needed_slots") }
        }
        let host = "group-by:\n    - Computer\n"
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\n\(host)timespan: 1h\ncondition:\n    gte: 500"), true)
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\n    - smb\n\(host)timespan: 15m\ncondition:\n    gt: 5"), true)
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\n\(host)timespan: 14m\ncondition:\n    gte: 500"), false, "short slots")
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\n\(host)timespan: 1h\ncondition:\n    lte: 500"), false, "no lower limit")
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\n\(host)timespan: 1h\ncondition:\n    gte: 1"), false, "every event can match")
        XCTAssertEqual(usesPrefilter("type: event_count\nrules:\n    - cmd\ntimespan: 1h\ncondition:\n    gte: 500"), false, "no host group")
        XCTAssertEqual(usesPrefilter("type: value_sum\nrules:\n    - cmd\n\(host)timespan: 1h\ncondition:\n    field: ProcessId\n    gte: 500"), false, "sums are not bounded by counts")
    }
}
