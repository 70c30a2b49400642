import XCTest
import HuntDB
@testable import Store

/// The alert context's two plans (issue 17): the batch plan (a batch's logons and service
/// installs read once, in time order) and the per-alert seeks choose the same rows, on
/// generated alerts full of near misses: logons from other addresses and ports, failed and
/// local ones, services on other hosts or with other images, source connections with other
/// ports or destinations, clocks offset, and several candidates at the same time.
final class ContextPlanTests: XCTestCase {
    typealias F = SecurityFixture
    typealias C = ContextFixture

    private let targets = ["WS1.corp.example", "WS2.corp.example", "WS3.corp.example"]
    private let sources = ["SRC1.corp.example", "SRC2.corp.example"]
    private let addresses = ["10.0.0.5", "10.0.0.6", "127.0.0.1"]
    private let ports = [50100, 50101, 50102]
    private let commands = [#"%COMSPEC% /C start /b powershell -enc AAA="#, #"C:\Windows\PSEXESVC.exe"#, "cmd.exe /c whoami"]
    /// Half an hour of events; times on a 250 ms grid so that many candidates tie.
    private let spanMs = 1_800_000

    private typealias Generator = SystemRandomNumberGenerator.Seeded

    /// A source connection as the target host saw it: address, port, destination, time (ms).
    private typealias Connection = (ip: String, port: Int, destination: String, destinationPort: Int, ms: Int)

    private func events(_ g: inout Generator) -> (events: [SecurityEvent], connections: [Connection]) {
        var events: [SecurityEvent] = []
        var connections: [Connection] = []
        var record = 1
        func ms() -> Int { Int.random(in: 0..<(spanMs / 250), using: &g) * 250 }
        for _ in 0..<400 {
            let eventID = Int.random(in: 0..<8, using: &g) == 0 ? 4625 : 4624
            events.append(C.logon(record: record, ms: ms(), user: "u\(record)", from: addresses.randomElement(using: &g)!,
                                  port: ports.randomElement(using: &g)!, type: ["3", "3", "10", "2"].randomElement(using: &g)!,
                                  eventID: eventID, host: targets.randomElement(using: &g)!))
            record += 1
        }
        for _ in 0..<150 {
            events.append(C.serviceInstalled(record: record, ms: ms(), name: "S\(record)", image: commands.randomElement(using: &g)!,
                                             host: targets.randomElement(using: &g)!))
            record += 1
        }
        for _ in 0..<200 {
            // A process on a source host and its outgoing connection, stamped by a clock up to 3 s off.
            let host = sources.randomElement(using: &g)!, pid = 0x100 + record, at = ms()
            let connection = (ip: addresses[Int.random(in: 0...1, using: &g)], port: ports.randomElement(using: &g)!,
                              destination: ["10.0.0.9", "10.0.0.10"].randomElement(using: &g)!,
                              destinationPort: [49726, 49727].randomElement(using: &g)!, ms: at)
            connections.append(connection)
            events.append(F.processStart(record: record, ms: at, pid: pid, creator: "0x1f0", image: #"C:\Tools\tool.exe"#,
                                         parentImage: #"C:\Windows\explorer.exe"#, commandLine: "tool \(record)", host: host))
            events.append(F.connection(record: record + 1, ms: at + Int.random(in: -3_000...3_000, using: &g), pid: pid,
                                       application: #"\device\harddiskvolume2\tools\tool.exe"#, direction: "%%14593",
                                       source: (connection.ip, connection.port),
                                       destination: (connection.destination, connection.destinationPort), host: host))
            record += 2
        }
        return (events, connections)
    }

    /// Half the alerts are the target's side of a source connection (its clock up to 2 s
    /// off), with a near miss now and then; the others are random.
    private func requests(_ g: inout Generator, _ connections: [Connection]) -> [RemoteServiceContextRequest] {
        (0..<600).map { _ in
            var r = RemoteServiceContextRequest(host: (targets + ["WS404.corp.example"]).randomElement(using: &g)!)
            let at = F.at(Int.random(in: 0..<(spanMs / 250), using: &g) * 250)
            if Bool.random(using: &g), let c = connections.randomElement(using: &g) {
                r.connectionMicros = F.at(c.ms + Int.random(in: -8...8, using: &g) * 250)
                r.sourceIP = c.ip
                r.sourcePort = Int64(Int.random(in: 0..<6, using: &g) == 0 ? 50999 : c.port)
                r.destinationIP = Int.random(in: 0..<6, using: &g) == 0 ? "10.0.0.10" : c.destination
                r.destinationPort = Int64(c.destinationPort)
            } else if Bool.random(using: &g) {
                r.connectionMicros = at
                r.sourceIP = addresses.randomElement(using: &g)!
                r.sourcePort = Int.random(in: 0..<4, using: &g) == 0 ? nil : Int64(ports.randomElement(using: &g)!)
                r.destinationIP = ["10.0.0.9", "10.0.0.10", "10.9.9.9"].randomElement(using: &g)!
                r.destinationPort = Int64([49726, 49727].randomElement(using: &g)!)
            }
            if r.connectionMicros == nil || Bool.random(using: &g) {
                r.childMicros = (r.connectionMicros ?? at) + Int64(Int.random(in: 0...2_000, using: &g)) * 1000
                r.childCommandLine = Bool.random(using: &g) ? "cmd.exe /C start /b powershell -enc AAA=" : commands.randomElement(using: &g)!
                r.childExecutable = #"C:\Windows\System32\cmd.exe"#
            }
            return r
        }
    }

    private func contexts(_ store: SQLiteStore, _ requests: [RemoteServiceContextRequest], _ windows: AlertContextWindows,
                          _ plan: ContextPlan) throws -> [RemoteServiceContext] {
        try RemoteServiceContextQuery(on: store.database, windows: windows, plan: plan, useStored: false).run(requests)
    }

    func testBatchAndPerAlertPlans_chooseTheSameContext() throws {
        var g = Generator(seed: 17)
        let scratch = try Scratch()
        let (events, connections) = events(&g)
        let file = try scratch.write("context-plan.json", lines: events.map { F.flat($0) })
        let (store, report) = try scratch.load([file])
        XCTAssertEqual(report.totals.rejected, 0, "\(report.sources.first?.firstRejects ?? [])")
        let requests = requests(&g, connections)
        var narrow = AlertContextWindows()
        narrow.logonBefore = 90_000_000
        narrow.logonAfter = 1_000_000
        narrow.serviceBefore = 60_000_000
        narrow.serviceAfter = 250_000
        narrow.clockTolerance = 1_500_000
        for windows in [AlertContextWindows(), narrow] {
            let perAlert = try contexts(store, requests, windows, .perAlert)
            let batch = try contexts(store, requests, windows, .batch)
            let automatic = try contexts(store, requests, windows, .automatic)
            let table = try contexts(store, requests, windows, .table)
            let windowed = try contexts(store, requests, windows, .windowed)
            for (i, (a, b)) in zip(perAlert, batch).enumerated() {
                XCTAssertEqual(a, b, "request \(i): \(requests[i])")
            }
            XCTAssertEqual(perAlert, table)
            XCTAssertEqual(perAlert, automatic)
            XCTAssertEqual(perAlert, windowed)
            // One lookup kept over batches (as a rule run uses it): what it read for a batch
            // (a destination's connections) serves the next ones, in time order or not.
            let sorted = requests.sorted { ($0.connectionMicros ?? $0.childMicros ?? 0) < ($1.connectionMicros ?? $1.childMicros ?? 0) }
            for (order, list) in [("as generated", requests), ("in time order", sorted)] {
                let expected = order == "as generated" ? perAlert : try contexts(store, list, windows, .perAlert)
                for plan in [ContextPlan.automatic, .batch, .table, .windowed] {
                    let kept = try RemoteServiceContextQuery(on: store.database, windows: windows, plan: plan, useStored: false)
                    let found = try stride(from: 0, to: list.count, by: 97).flatMap { try kept.run(Array(list[$0..<min($0 + 97, list.count)])) }
                    XCTAssertEqual(found, expected, "\(plan), batches of 97 \(order)")
                }
            }
            // The comparison means something: each kind of context is found, and missed.
            let logons = perAlert.filter { $0.logonUser != nil }.count
            let services = perAlert.filter { $0.serviceName != nil }.count
            let sourcesFound = perAlert.filter { $0.sourceHost != nil }.count
            for found in [logons, services, sourcesFound] {
                XCTAssertGreaterThan(found, 20, "logons \(logons), services \(services), sources \(sourcesFound)")
                XCTAssertLessThan(found, requests.count)
            }
        }
    }

    func testSourcePlans_takeTheMostPreciseThenClosestThenFirstLoadedConnection() throws {
        // The target WS1 saw a connection from 10.0.0.5:50100 to its 10.0.0.9:49726 at 10 s.
        // Two outgoing connections are 1 s away on either side; the later one was loaded first
        // (the lower event id wins the tie). Closer ones are near misses: the target itself, an
        // incoming record, another source port; one to another destination port is the
        // match of an alert to that port. (Flat Security records have whole seconds.)
        let scratch = try Scratch()
        let target = "WS1.corp.example"
        let events = [
            F.connection(record: 10, ms: 11_000, pid: 0x10, application: #"\device\harddiskvolume2\a.exe"#, direction: "%%14593",
                         source: ("10.0.0.5", 50100), destination: ("10.0.0.9", 49726), host: "SRC2.corp.example"),
            F.connection(record: 11, ms: 9_000, pid: 0x11, application: #"\device\harddiskvolume2\b.exe"#, direction: "%%14593",
                         source: ("10.0.0.5", 50100), destination: ("10.0.0.9", 49726), host: "SRC1.corp.example"),
            F.connection(record: 12, ms: 12_000, pid: 0x12, application: #"\device\harddiskvolume2\c.exe"#, direction: "%%14593",
                         source: ("10.0.0.5", 50100), destination: ("10.0.0.9", 49727), host: "SRC3.corp.example"),
            F.connection(record: 13, ms: 10_000, pid: 0x13, application: #"\device\harddiskvolume2\d.exe"#, direction: "%%14593",
                         source: ("10.0.0.5", 50100), destination: ("10.0.0.9", 49726), host: target),
            F.connection(record: 14, ms: 10_100, pid: 0x14, application: #"\device\harddiskvolume2\e.exe"#, direction: "%%14592",
                         source: ("10.0.0.5", 50100), destination: ("10.0.0.9", 49726), host: "SRC4.corp.example"),
            F.connection(record: 15, ms: 10_050, pid: 0x15, application: #"\device\harddiskvolume2\f.exe"#, direction: "%%14593",
                         source: ("10.0.0.5", 50101), destination: ("10.0.0.9", 49726), host: "SRC5.corp.example"),
        ]
        let file = try scratch.write("sources.json", lines: events.map { F.flat($0) })
        let (store, report) = try scratch.load([file])
        XCTAssertEqual(report.totals.rejected, 0)
        var request = RemoteServiceContextRequest(host: target)
        request.connectionMicros = F.at(10_000)
        request.sourceIP = "10.0.0.5"
        request.sourcePort = 50100
        request.destinationIP = "10.0.0.9"
        request.destinationPort = 49726
        var otherPort = request
        otherPort.destinationPort = 49727
        var narrow = AlertContextWindows()
        narrow.clockTolerance = 900_000
        // Both ends of the window count: at a tolerance of 1 s the two at 9 s and 11 s are in.
        var edge = AlertContextWindows()
        edge.clockTolerance = 1_000_000
        for plan in [ContextPlan.perAlert, .batch, .table, .automatic] {
            XCTAssertEqual(try contexts(store, [request], edge, plan).map(\.sourceHost), ["SRC2.corp.example"], "\(plan)")
            let found = try contexts(store, [request, otherPort], AlertContextWindows(), plan)
            XCTAssertEqual(found.map(\.sourceHost), ["SRC2.corp.example", "SRC3.corp.example"], "\(plan)")
            XCTAssertEqual(found.map(\.sourceClockOffsetMillis), [1_000, 2_000], "\(plan)")
            XCTAssertEqual(try contexts(store, [request], narrow, plan).map(\.sourceHost), [nil], "\(plan)")
        }
    }

    func testBatchPlan_takesTheLatestOfEqualTimesAndTheSessionFirst() throws {
        // Three logons from 10.0.0.5 at the same time (the highest record wins, as in the
        // per-alert statement), one of them from the connection's own port (the session).
        let scratch = try Scratch()
        let events = [
            C.logon(record: 40, ms: 1_000, user: "a", port: 50100),
            C.logon(record: 41, ms: 1_000, user: "b", port: 50999),
            C.logon(record: 42, ms: 1_000, user: "c", port: 50998),
            C.logon(record: 43, ms: 900, user: "d", port: 50100),
            C.logon(record: 44, ms: 1_100, user: "e", from: "10.0.0.7", port: 50100),
        ]
        let file = try scratch.write("ties.json", lines: events.map { F.flat($0) })
        let (store, _) = try scratch.load([file])
        var session = RemoteServiceContextRequest(host: F.host)
        session.connectionMicros = F.at(1_200)
        session.sourceIP = "10.0.0.5"
        session.sourcePort = 50100
        var address = session
        address.sourcePort = 50500
        var any = RemoteServiceContextRequest(host: F.host)
        any.childMicros = F.at(1_200)
        for plan in [ContextPlan.perAlert, .batch, .table] {
            let found = try contexts(store, [session, address, any], AlertContextWindows(), plan).map(\.logonUser)
            XCTAssertEqual(found, ["a", "c", "e"], "\(plan)")
        }
    }
}
