import XCTest
import HuntDB
@testable import Store

/// The alert context the loads keep (`connection_context`, m0015) is what a look-up at detect
/// time finds, whatever order the evidence comes in: each test loads a fleet's events a file at
/// a time in a shuffled order (logons, source processes, the two sides of each connection,
/// command-line evidence, some records again at another time precision) and, after every load,
/// compares the kept context of every incoming connection to services.exe with a fresh look-up.
final class KeptContextTests: XCTestCase {
    typealias F = SecurityFixture
    typealias C = ContextFixture
    typealias S = SysmonFixture

    private let targets = ["WS1.corp.example", "WS2.corp.example", "WS3.corp.example"]
    private let sources = ["SRC1.corp.example", "SRC2.corp.example"]
    private let addresses = ["10.0.0.5", "10.0.0.6"]
    private let ports = [50100, 50101, 50102]
    private let spanMs = 1_800_000
    private static let services = #"\device\harddiskvolume2\windows\system32\services.exe"#

    private typealias Generator = SystemRandomNumberGenerator.Seeded

    /// Logons on the targets; source processes (some known only by PowerShell evidence) and
    /// their outgoing connections; the targets' services.exe side of most of them, clocks up
    /// to 3 s apart; near misses of every kind.
    private func events(_ g: inout Generator) -> [Item] {
        var events: [Item] = []
        var record = 1
        func ms() -> Int { Int.random(in: 0..<(spanMs / 250), using: &g) * 250 }
        for _ in 0..<300 {
            events.append(.security(C.logon(record: record, ms: ms(), user: "u\(record)", from: (addresses + ["10.0.0.7"]).randomElement(using: &g)!,
                                  port: ports.randomElement(using: &g)!, type: ["3", "3", "10", "2"].randomElement(using: &g)!,
                                  host: targets.randomElement(using: &g)!)))
            record += 1
        }
        for _ in 0..<150 {
            let host = sources.randomElement(using: &g)!, pid = 0x100 + record, at = ms()
            let ip = addresses.randomElement(using: &g)!, port = ports.randomElement(using: &g)!
            let destination = (["10.0.0.9", "10.0.0.10"].randomElement(using: &g)!, [49726, 49727].randomElement(using: &g)!)
            switch Int.random(in: 0..<5, using: &g) {
            case 0:
                events.append(.security(C.powerShellPipeline(record: record, ms: at + 60_000, pid: pid, commandLine: "powershell \(record)", host: host)))
            case 1, 2:
                // Sysmon's side: the process by its GUID, no linking.
                let guid = "{5e1f0000-0000-0000-0000-\(String(format: "%012d", record))}"
                events.append(.sysmon(S.process(host: host, record: record, ms: at - 1_000, guid: guid, image: #"C:\Tools\tool.exe"#,
                                                commandLine: "tool \(record)", parentGuid: "{5e1f0000-0000-0000-0000-000000000001}",
                                                parentImage: #"C:\Windows\explorer.exe"#), kind: "sysmon-start"))
                events.append(.sysmon(S.network(host: host, record: record + 1, ms: at, guid: guid, image: #"C:\Tools\tool.exe"#,
                                                initiated: "true", sourceIp: ip, sourcePort: port, destinationIp: destination.0,
                                                destinationPort: destination.1), kind: "sysmon-source"))
            default:
                events.append(.security(F.processStart(record: record, ms: at - 1_000, pid: pid, creator: "0x1f0", image: #"C:\Tools\tool.exe"#,
                                                       parentImage: #"C:\Windows\explorer.exe"#, commandLine: "tool \(record)", host: host)))
            }
            if case .security = events.last! {
                events.append(.security(F.connection(record: record + 1, ms: at, pid: pid, application: #"\device\harddiskvolume2\tools\tool.exe"#,
                                                     direction: "%%14593", source: (ip, port), destination: destination, host: host)))
            }
            if Int.random(in: 0..<5, using: &g) > 0 {
                // The target's side, by its own clock; now and then another port or destination.
                let nearMiss = Int.random(in: 0..<6, using: &g) == 0
                events.append(.security(F.connection(record: record + 2, ms: at + Int.random(in: -3_000...3_000, using: &g), pid: 0x2a0,
                                                     application: Self.services, source: (ip, nearMiss ? 50999 : port),
                                                     destination: destination, host: targets.randomElement(using: &g)!)))
            }
            record += 3
        }
        // Processes services.exe started on the targets (Sysmon, or Security 4688 linked by
        // the parent's name), most after the service that ran them: now and then on another
        // host, an hour earlier, or with another image path.
        for _ in 0..<60 {
            let host = targets.randomElement(using: &g)!, at = ms()
            let usesShell = Bool.random(using: &g)
            let image = usesShell ? #"C:\Windows\System32\cmd.exe"# : #"C:\Tools\svc\#(record % 7).exe"#
            let commandLine = usesShell ? #"C:\Windows\system32\cmd.exe /C start /b tool.exe \#(record % 7)"# : image
            if Bool.random(using: &g) {
                let guid = "{5e1f0000-0000-0000-0001-\(String(format: "%012d", record))}"
                events.append(.sysmon(S.process(host: host, record: record, ms: at, guid: guid, image: image, commandLine: commandLine),
                                      kind: "sysmon-child"))
            } else {
                events.append(.security(F.processStart(record: record, ms: at, pid: 0x3000 + record, creator: "0x2a0", image: image,
                                                       parentImage: #"C:\Windows\System32\services.exe"#,
                                                       commandLine: commandLine, host: host)))
            }
            let miss = Int.random(in: 0..<6, using: &g)
            if miss > 0 {
                let installed = usesShell ? "%COMSPEC% /C start /b tool.exe \(record % 7)" : "\"\(image)\""
                events.append(.security(C.serviceInstalled(record: record + 1, ms: at - Int.random(in: 0..<5_000, using: &g) - (miss == 1 ? 3_600_000 : 0),
                                                           name: "Svc\(record)", image: miss == 2 ? #"C:\Other\other.exe"# : installed,
                                                           host: miss == 3 ? targets.randomElement(using: &g)! : host)))
            }
            record += 2
        }
        return events
    }

    /// Every incoming connection to services.exe as a remote-service rule asks for its context.
    private func requests(_ store: SQLiteStore) throws -> [RemoteServiceContextRequest] {
        let s = try store.database.prepare("""
            SELECT h.name, n.ts_us, n.source_ip, n.source_port, n.destination_ip, n.destination_port
            FROM network_connections AS n JOIN hosts AS h ON h.host_id = n.host_id
            WHERE n.name = 'services.exe' AND n.direction = 'incoming'
            ORDER BY n.ts_us, n.event_id
            """, purpose: "test")
        var requests: [RemoteServiceContextRequest] = []
        while try s.step() {
            var r = RemoteServiceContextRequest(host: s.text(0)!)
            r.connectionMicros = s.int64(1)
            r.sourceIP = s.text(2)
            r.sourcePort = s.optionalInt64(3)
            r.destinationIP = s.text(4)
            r.destinationPort = s.optionalInt64(5)
            requests.append(r)
        }
        return requests
    }

    /// Every process services.exe started, as rpc_service_process asks for its context.
    private func childRequests(_ store: SQLiteStore) throws -> [RemoteServiceContextRequest] {
        let s = try store.database.prepare("""
            SELECT h.name, p.ts_us, p.executable, p.command_line
            FROM processes AS p JOIN hosts AS h ON h.host_id = p.host_id
            WHERE p.parent_name = 'services.exe'
            ORDER BY p.ts_us, p.event_id
            """, purpose: "test")
        var requests: [RemoteServiceContextRequest] = []
        while try s.step() {
            var r = RemoteServiceContextRequest(host: s.text(0)!)
            r.childMicros = s.int64(1)
            r.childExecutable = s.text(2)
            r.childCommandLine = s.text(3)
            requests.append(r)
        }
        return requests
    }

    /// The kept context of every child of services.exe (`child_context`) is equal to a fresh
    /// look-up, asked one at a time in any order; returns the contexts.
    @discardableResult
    private func assertKeptChildrenEqualLookUp(_ store: SQLiteStore, _ step: String,
                                               file: StaticString = #filePath, line: UInt = #line) throws -> [RemoteServiceContext] {
        let requests = try childRequests(store)
        let windows = AlertContextWindows()
        let lookUp = try RemoteServiceContextQuery(on: store.database, windows: windows, useStored: false)
        let live = try lookUp.run(requests)
        func oneAtATime(_ order: [Int], slack: Int = 4_096, twice: Bool = false) throws -> [Int: RemoteServiceContext?] {
            let reader = try XCTUnwrap(try StoredChildContexts(store.database, windows: windows, cursorSlack: slack), step,
                                       file: file, line: line)
            var answers: [Int: RemoteServiceContext?] = [:]
            for i in order {
                answers[i] = try reader.next(requests[i], query: lookUp)
                if twice { XCTAssertEqual(try reader.next(requests[i], query: lookUp), answers[i], step, file: file, line: line) }
            }
            return answers
        }
        var g = SeededRandom(seed: UInt64(requests.count + 1))
        for (name, order, slack, twice) in [("in order", Array(requests.indices), 4_096, false),
                                            ("twice", Array(requests.indices), 4_096, true),
                                            ("shuffled", requests.indices.shuffled(using: &g), 4_096, false),
                                            ("sparse", requests.indices.filter { $0 % 7 == 0 }, 0, false)] {
            let answers = try oneAtATime(order, slack: slack, twice: twice)
            for i in order {
                XCTAssertEqual(answers[i], live[i], "\(step), children one at a time \(name): child \(i) \(requests[i])", file: file, line: line)
            }
        }
        // A request that differs from a kept child in any part of it gets no kept row.
        if let first = requests.first {
            var otherHost = first, otherExecutable = first, otherCommandLine = first, withConnection = first
            otherHost.host = "other-host.example"
            otherExecutable.childExecutable = #"C:\Other\other.exe"#
            otherCommandLine.childCommandLine = "other"
            withConnection.connectionMicros = first.childMicros
            for (name, request) in [("host", otherHost), ("executable", otherExecutable), ("command line", otherCommandLine),
                                    ("connection", withConnection)] {
                let reader = try XCTUnwrap(try StoredChildContexts(store.database, windows: windows))
                XCTAssertNil(try reader.next(request, query: lookUp), "\(step): another \(name)", file: file, line: line)
                XCTAssertEqual(try reader.next(first, query: lookUp), live[0], step, file: file, line: line)
            }
        }
        // A rule run, one alert at a time (kept rows, else look-ups), answers the same.
        let run = try RemoteServiceContextQuery(on: store.database, windows: windows)
        for (i, r) in requests.enumerated() {
            let kept = try XCTUnwrap(try run.keptContext(of: r), "\(step): child \(i) has its row", file: file, line: line)
            XCTAssertEqual(kept, live[i], step, file: file, line: line)
        }
        return live
    }

    /// The kept context of every connection is current and equal to a fresh look-up; returns
    /// the contexts.
    @discardableResult
    private func assertKeptEqualsLookUp(_ store: SQLiteStore, _ step: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws -> [RemoteServiceContext] {
        let requests = try requests(store)
        XCTAssertTrue(try ConnectionContextState.isCurrent(store.database), step, file: file, line: line)
        let windows = AlertContextWindows()
        let lookUp = try RemoteServiceContextQuery(on: store.database, windows: windows, useStored: false)
        let live = try lookUp.run(requests)
        let reader = try XCTUnwrap(try StoredConnectionContexts(store.database, windows: windows), step, file: file, line: line)
        var kept = [RemoteServiceContext](repeating: RemoteServiceContext(), count: requests.count)
        var found = [Bool](repeating: false, count: requests.count)
        try reader.read(requests, query: lookUp, into: &kept, kept: &found)
        XCTAssertEqual(found.filter { $0 }.count, requests.count, "every connection has its row: \(step)", file: file, line: line)
        for (i, (k, l)) in zip(kept, live).enumerated() {
            XCTAssertEqual(k, l, "\(step): connection \(i) \(requests[i])", file: file, line: line)
        }
        // A few of them (a rule run on one host): a seek per request instead of one pass.
        let sparse = requests.enumerated().filter { $0.offset % 25 == 0 }.map(\.element)
        var sparseKept = [RemoteServiceContext](repeating: RemoteServiceContext(), count: sparse.count)
        var sparseFound = [Bool](repeating: false, count: sparse.count)
        try reader.read(sparse, query: lookUp, into: &sparseKept, kept: &sparseFound)
        XCTAssertEqual(sparseFound.filter { $0 }.count, sparse.count, step, file: file, line: line)
        XCTAssertEqual(sparseKept, try lookUp.run(sparse), step, file: file, line: line)
        // One alert at a time, as a rule run asks (`keptContext`): in time order, each request
        // asked twice (the second seeks), shuffled (earlier ones seek), and a few of them with
        // no slack (the cursor gives up its pass and seeks).
        func oneAtATime(_ order: [Int], slack: Int = 4_096, twice: Bool = false) throws -> [Int: RemoteServiceContext] {
            let reader = try XCTUnwrap(try StoredConnectionContexts(store.database, windows: windows, cursorSlack: slack))
            var answers: [Int: RemoteServiceContext] = [:]
            for i in order {
                answers[i] = try reader.next(requests[i], query: lookUp)
                if twice { XCTAssertEqual(try reader.next(requests[i], query: lookUp), answers[i], step, file: file, line: line) }
            }
            return answers
        }
        var g = SeededRandom(seed: UInt64(requests.count))
        for (name, order, slack, twice) in [("in order", Array(requests.indices), 4_096, false),
                                            ("twice", Array(requests.indices), 4_096, true),
                                            ("shuffled", requests.indices.shuffled(using: &g), 4_096, false),
                                            ("sparse", requests.indices.filter { $0 % 25 == 0 }, 0, false)] {
            let answers = try oneAtATime(order, slack: slack, twice: twice)
            for i in order {
                XCTAssertEqual(answers[i], live[i], "\(step), one at a time \(name): connection \(i)", file: file, line: line)
            }
        }
        // A request that differs from a kept connection in any part of it gets no kept row.
        if let first = requests.first {
            var otherHost = first, otherIP = first, otherPort = first, otherDestination = first
            otherHost.host = "other-host.example"
            otherIP.sourceIP = "192.0.2.99"
            otherPort.sourcePort = (first.sourcePort ?? 0) + 1
            otherDestination.destinationIP = "192.0.2.98"
            for (name, request) in [("host", otherHost), ("source address", otherIP), ("source port", otherPort),
                                    ("destination", otherDestination)] {
                let reader = try XCTUnwrap(try StoredConnectionContexts(store.database, windows: windows))
                XCTAssertNil(try reader.next(request, query: lookUp), "\(step): another \(name)", file: file, line: line)
                XCTAssertEqual(try reader.next(first, query: lookUp), live[0], step, file: file, line: line)
            }
        }
        if var withChild = requests.first {
            withChild.childMicros = withChild.connectionMicros
            XCTAssertNil(try RemoteServiceContextQuery(on: store.database, windows: windows).keptContext(of: withChild),
                         "the service side is looked up", file: file, line: line)
        }
        // A rule run (stored rows, else look-ups) answers the same.
        XCTAssertEqual(try RemoteServiceContextQuery(on: store.database, windows: windows).run(requests), live, step, file: file, line: line)
        return live
    }

    func testKeptContext_equalsTheLookUpAfterEveryLoadInAnyOrder() throws {
        for seed in [3, 29, 41, 57, 83] as [UInt64] {
            var g = Generator(seed: seed)
            let scratch = try Scratch()
            // One file per kind of evidence, the kinds in a random order: each load brings
            // one kind the kept rows must take into account.
            var kinds = Dictionary(grouping: events(&g), by: Self.kind).values.map { $0 }
            kinds.shuffle(using: &g)
            let store = try scratch.store()
            var duplicates = 0
            for (part, chunk) in kinds.enumerated() {
                // Half of a file again at the other precision: the flat dialect has whole
                // seconds, XML the exact time (the store keeps the precise copy, in place).
                let again = chunk.compactMap { item -> SecurityEvent? in
                    guard case .security(let e) = item, Bool.random(using: &g) else { return nil }
                    return e
                }
                let security = chunk.compactMap { item -> SecurityEvent? in if case .security(let e) = item { e } else { nil } }
                // Sysmon's lines are flat NDJSON; Security's go either way.
                let flatFirst = security.count < chunk.count || Bool.random(using: &g)
                let name = "s\(seed)-part\(part)"
                let file = flatFirst
                    ? try scratch.write(name + ".json", lines: chunk.map(\.flatLine))
                    : try scratch.write(name + ".xml", text: "<Events>" + security.map(F.xml).joined(separator: "\n") + "</Events>")
                let copy = flatFirst
                    ? try scratch.write(name + "-again.xml", text: "<Events>" + again.map(F.xml).joined(separator: "\n") + "</Events>")
                    : try scratch.write(name + "-again.json", lines: again.map { F.flat($0) })
                for input in [file, copy] {
                    let report = try Loader(store: store).load([input])
                    XCTAssertEqual(report.totals.rejected, 0, "\(report.sources.first?.firstRejects ?? [])")
                    duplicates += Int(report.totals.duplicates)
                    try assertKeptEqualsLookUp(store, "seed \(seed), \(input)")
                    try assertKeptChildrenEqualLookUp(store, "seed \(seed), \(input)")
                }
            }
            // The comparison means something: each part of the context is found, and missed.
            let contexts = try assertKeptEqualsLookUp(store, "seed \(seed), at the end")
            let logons = contexts.filter { $0.logonUser != nil }.count
            let sourcesFound = contexts.filter { $0.sourceHost != nil }.count
            let fromEvidence = contexts.filter { $0.sourceCommandLine?.hasPrefix("powershell") ?? false }.count
            let fromStarts = contexts.filter { $0.sourceCommandLine?.hasPrefix("tool") ?? false }.count
            XCTAssertGreaterThan(contexts.count, 80)
            for found in [logons, sourcesFound] {
                XCTAssertGreaterThan(found, 10, "logons \(logons), sources \(sourcesFound) of \(contexts.count)")
                XCTAssertLessThan(found, contexts.count)
            }
            XCTAssertGreaterThan(fromEvidence, 0)
            XCTAssertGreaterThan(fromStarts, 0)
            XCTAssertGreaterThan(duplicates, 20)
            let children = try assertKeptChildrenEqualLookUp(store, "seed \(seed), at the end")
            XCTAssertGreaterThan(children.count, 40)
            for (part, found) in [("logon", children.filter { $0.logonUser != nil }.count),
                                  ("source", children.filter { $0.sourceHost != nil }.count),
                                  ("service", children.filter { $0.serviceName != nil }.count)] {
                XCTAssertGreaterThan(found, 5, "children with a \(part): \(found) of \(children.count)")
                // Logons are every few seconds: nearly every child has one.
                if part != "logon" { XCTAssertLessThan(found, children.count, "children with a \(part)") }
            }
        }
    }

    /// A test event: Security (any dialect) or a flat Sysmon line.
    private enum Item {
        case security(SecurityEvent)
        case sysmon(String, kind: String)

        var flatLine: String {
            switch self {
            case .security(let e): F.flat(e)
            case .sysmon(let line, _): line
            }
        }
    }

    /// logon, process start, evidence, the source's or the target's side of a connection.
    private static func kind(_ item: Item) -> String {
        switch item {
        case .sysmon(_, let kind): return kind
        case .security(let e):
            guard e.eventID == 5156 else { return String(e.eventID) }
            return e.data.contains { $0 == ("Application", services) } ? "target" : "source"
        }
    }

    func testRowsChangedOutsideALoad_areLookedUpUntilTheNextRefresh() throws {
        var g = Generator(seed: 11)
        let scratch = try Scratch()
        let file = try scratch.write("fleet.json", lines: events(&g).map(\.flatLine))
        let (store, report) = try scratch.load([file])
        XCTAssertGreaterThan(report.totals.loaded, 0)
        let before = try assertKeptEqualsLookUp(store, "loaded")
        let withLogon = try XCTUnwrap(before.firstIndex { $0.logonUser != nil })
        let user = try XCTUnwrap(before[withLogon].logonUser)
        // A change the load did not make (or a load killed before its refresh): the rows kept
        // are no longer current, and a rule run looks the context up.
        let rename = try store.database.prepare("UPDATE logons SET user_name = 'renamed' WHERE user_name = :user", purpose: "test")
        try rename.bind(["user": .text(user)])
        try rename.run()
        XCTAssertFalse(try ConnectionContextState.isCurrent(store.database))
        XCTAssertNil(try StoredConnectionContexts(store.database, windows: AlertContextWindows()))
        let requests = try requests(store)
        let run = try RemoteServiceContextQuery(on: store.database, windows: AlertContextWindows()).run(requests)
        XCTAssertEqual(run[withLogon].logonUser, "renamed")
        // The next refresh catches up.
        XCTAssertGreaterThan(try store.keepAlertContext(), 0)
        let after = try assertKeptEqualsLookUp(store, "refreshed")
        XCTAssertEqual(after[withLogon].logonUser, "renamed")
        XCTAssertEqual(try store.keepAlertContext(), 0, "nothing left to look up")
    }

    /// The kept rows write their values straight into the alert's row: in the rule's column order.
    func testContextColumns_areWrittenInTheRulesOrder() {
        XCTAssertEqual(AlertContextKind.remoteService.columns.map(\.name), RemoteServiceContext.columnNames)
        var c = RemoteServiceContext()
        c.logonUser = "u"; c.logonDomain = "d"; c.logonID = "0x1"; c.logonType = 3; c.logonMicros = 5; c.logonIP = "10.0.0.5"
        c.serviceName = "s"; c.serviceImage = "i"; c.serviceMicros = 7
        c.sourceHost = "h"; c.sourceEntityID = "e"; c.sourceExecutable = "x"; c.sourceCommandLine = "x -c"; c.sourceClockOffsetMillis = -2
        var row = [RowValue](repeating: .integer(99), count: 16)
        c.write(into: &row, at: 1)
        XCTAssertEqual(row, [.integer(99), .text("u"), .text("d"), .text("0x1"), .integer(3), .integer(5), .text("10.0.0.5"),
                             .text("s"), .text("i"), .integer(7), .text("h"), .text("e"), .text("x"), .text("x -c"), .integer(-2), .integer(99)])
        XCTAssertEqual(RemoteServiceContext(row: row, at: 1), c)
    }

    func testOtherWindows_lookTheContextUp() throws {
        var g = Generator(seed: 5)
        let scratch = try Scratch()
        let (store, _) = try scratch.load([try scratch.write("fleet.json", lines: events(&g).map(\.flatLine))])
        var narrow = AlertContextWindows()
        narrow.clockTolerance = 1_000_000
        XCTAssertNil(try StoredConnectionContexts(store.database, windows: narrow))
        XCTAssertNotNil(try StoredConnectionContexts(store.database, windows: AlertContextWindows()))
        let requests = try requests(store)
        XCTAssertEqual(try RemoteServiceContextQuery(on: store.database, windows: narrow).run(requests),
                       try RemoteServiceContextQuery(on: store.database, windows: narrow, useStored: false).run(requests))
        XCTAssertNotEqual(try RemoteServiceContextQuery(on: store.database, windows: narrow).run(requests),
                          try RemoteServiceContextQuery(on: store.database, windows: AlertContextWindows()).run(requests))
    }
}
