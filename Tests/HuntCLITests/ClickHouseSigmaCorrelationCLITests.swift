import Foundation
import XCTest

/// Sigma correlations on real ClickHouse servers (Debian's 18.16: one server, and two shards
/// behind Distributed tables) against SQLite over the same events: every correlation type,
/// group-by with missing values, equal timestamps, windows longer than the gaps, partial and
/// whole chains, chained correlations, event lists cut to `max_events`, and the built-in
/// `remote_service_rpc_correlation` on the generated corpus. The alerts must be the same bytes,
/// in the same order; a correlation ClickHouse cannot run is named with the reason.
final class ClickHouseSigmaCorrelationCLITests: XCTestCase {
    nonisolated(unsafe) private static var single: ClickHouseServer?
    nonisolated(unsafe) private static var shards: [ClickHouseServer] = []
    nonisolated(unsafe) private static var directory: TemporaryDirectory?
    nonisolated(unsafe) private static var startError: Error?

    override class func setUp() {
        super.setUp()
        do {
            try ClickHouseServer.requireInstalled()
            let directory = try TemporaryDirectory()
            Self.directory = directory
            let ports = ClickHouseServer.randomPorts()
            single = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
            let clusterPorts = ClickHouseServer.randomPorts()
            let addresses = [("127.0.0.1", clusterPorts.tcp), ("127.0.0.2", clusterPorts.tcp)]
            shards = try addresses.map { try ClickHouseServer(address: $0.0, httpPort: clusterPorts.http, tcpPort: clusterPorts.tcp, cluster: addresses) }
            let events = try directory.write("events.ndjson", CorrelationEvents.text(seed: 7))
            let slotEvents = try directory.write("slots.ndjson", CorrelationSlotEvents.text)
            try HuntProcess.run(["generate", "--events", "20k", "--hosts", "6", "--planted", "3", "--output", directory.path("corpus.ndjson")])
            for db in databases(directory) {
                for (name, file) in [("edge", events), ("slots", slotEvents), ("corpus", directory.path("corpus.ndjson"))] {
                    let load = try HuntProcess.run(["load", "--quiet", "--db", db(name), file])
                    if load.status != 0 { throw NSError(domain: "load", code: Int(load.status), userInfo: [NSLocalizedDescriptionKey: load.stderr]) }
                }
            }
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        single?.stop()
        shards.forEach { $0.stop() }
        single = nil
        shards = []
        directory = nil
        super.tearDown()
    }

    /// The `--db` of each store for a data set: SQLite first, then one server, then two shards.
    private static func databases(_ directory: TemporaryDirectory) -> [(String) -> String] {
        var found: [(String) -> String] = [{ directory.path("\($0).db") }]
        if let single { found.append { single.url($0) } }
        if let first = shards.first { found.append { first.url($0, cluster: "two_shards") } }
        return found
    }

    private func stores(_ name: String) throws -> (sqlite: String, clickHouse: [String], directory: TemporaryDirectory) {
        if let startError = Self.startError { throw startError }
        guard let directory = Self.directory, Self.single != nil, Self.shards.count == 2 else { throw XCTSkip("no ClickHouse servers") }
        let all = Self.databases(directory).map { $0(name) }
        return (all[0], Array(all.dropFirst()), directory)
    }

    /// One run: its NDJSON lines and stderr.
    private func detect(_ db: String, _ arguments: [String]) throws -> (lines: [String], stderr: String) {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson", "--threads", "2"] + arguments)
        XCTAssertTrue([0, 2].contains(result.status), "\(db): exit \(result.status): \(result.stderr.suffix(2000))")
        XCTAssertFalse(result.stderr.contains("FAILED"), "\(db): \(result.stderr.suffix(2000))")
        return (result.stdout.split(separator: "\n").map(String.init), result.stderr)
    }

    /// Each rule's alerts in their order (the rules' order in the output is fixed).
    private func byRule(_ lines: [String]) -> [String: [String]] {
        var rules: [String: [String]] = [:]
        for line in lines {
            guard let range = line.range(of: "\"rule_id\":\"") else { continue }
            rules[String(line[range.upperBound...].prefix { $0 != "\"" }), default: []].append(line)
        }
        return rules
    }

    /// SQLite's and every ClickHouse store's alerts are the same lines; a correlation's in the
    /// same order (a plain rule's alerts of one time may come in another order: compared sorted).
    private func assertSame(_ arguments: [String], data: String, correlations: Set<String>, file: StaticString = #filePath, line: UInt = #line)
        throws -> [String: [String]] {
        let (sqlite, clickHouse, _) = try stores(data)
        let expected = byRule(try detect(sqlite, arguments).lines)
        for db in clickHouse {
            let run = try detect(db, arguments)
            let found = byRule(run.lines)
            XCTAssertEqual(Set(found.keys), Set(expected.keys), "\(db): rules with alerts; stderr: \(run.stderr.suffix(1500))", file: file, line: line)
            for (rule, lines) in expected {
                let other = found[rule] ?? []
                if correlations.contains(rule) {
                    if other != lines {
                        let at = (0..<min(other.count, lines.count)).first { other[$0] != lines[$0] } ?? min(other.count, lines.count)
                        XCTFail("\(db): \(rule): \(other.count) alerts, SQLite \(lines.count); first difference at \(at):\nClickHouse: \(at < other.count ? other[at] : "-")\nSQLite:     \(at < lines.count ? lines[at] : "-")",
                                file: file, line: line)
                    }
                } else {
                    XCTAssertEqual(other.sorted(), lines.sorted(), "\(db): \(rule)", file: file, line: line)
                }
            }
        }
        return expected
    }

    private func writeRules(_ text: String, name: String) throws -> String {
        let (_, _, directory) = try stores("edge")
        return try directory.write(name, text)
    }

    func testClickHouseCorrelations_everyTypeGivesSQLitesAlerts() throws {
        let rules = try writeRules(CorrelationEvents.rules, name: "every-type.yml")
        let ids = CorrelationEvents.correlationIDs
        let alerts = try assertSame(["--sigma", rules], data: "edge", correlations: ids)
        // Every correlation fires on these events, most of them often: the comparison is about real alerts.
        for id in ids { XCTAssertFalse(alerts[id, default: []].isEmpty, "\(id) has no alert on SQLite") }
        XCTAssertGreaterThan(alerts["count_by_host"]?.count ?? 0, 5)
        // Cut lists and equal times are exercised, not only possible.
        XCTAssertTrue(alerts["count_by_host"]!.contains { $0.contains("\"events_total\":") && !$0.contains("\"events_total\":3,") })
        // h4's exact boundaries: an alert at 10:05:02; the window ending at 10:05:12.000 reaches back to
        // that alert's last event, so the next match ends at 10:05:12.001.
        let h4 = alerts["count_by_host"]!.filter { $0.contains("\"host\":\"h4\"") }.map { line in
            String(line[line.range(of: "\"time\":\"")!.upperBound...].prefix(23))
        }
        XCTAssertEqual(h4, ["2021-03-04T10:05:02.000", "2021-03-04T10:05:12.001", "2021-03-04T10:06:08.000", "2021-03-04T10:06:40.000"])
        // A window holds the event exactly one timespan before its end: cmd 10:06:00, whoami 10:06:08 within 8s.
        XCTAssertTrue(alerts["temporal_three"]!.contains { $0.contains("\"host\":\"h4\"") && $0.contains("\"time\":\"2021-03-04T10:06:08.000") })
        // The chained correlation lists the referenced correlation's alert as one event.
        XCTAssertTrue(alerts["burst_then_whoami"]!.allSatisfy { $0.contains("\"event_kind\":\"correlation\"") })
        // The cluster really splits the groups: each shard holds some hosts' events.
        for shard in Self.shards {
            XCTAssertGreaterThan(try shard.integer("SELECT count() FROM edge.processes_local"), 0, shard.address)
        }
        // generate: true: the base rule's own alerts are compared too.
        XCTAssertFalse(alerts["whoami", default: []].isEmpty)
    }

    /// The hot-slot prefilter must not drop a match: windows across slot edges, the threshold
    /// met exactly at a window's start or a millisecond too late, a match one timespan after an
    /// alert, a group spread over both shards, gt/lte/eq limits, value_count, a chained and a
    /// temporal correlation over the same events, with and without cut event lists.
    func testClickHouseCorrelations_hotSlotPrefilterKeepsEveryMatch() throws {
        let rules = try writeRules(CorrelationSlotEvents.rules, name: "slots.yml")
        for max in ["2", "0"] {
            let alerts = try assertSame(["--sigma", rules, "--param", "max_events=\(max)"], data: "slots", correlations: CorrelationSlotEvents.correlationIDs)
            func times(_ rule: String, _ host: String) -> [String] {
                alerts[rule, default: []].filter { $0.contains("\"host\":\"\(host)\"") }.map { line in
                    String(line[line.range(of: "\"time\":\"")!.upperBound...].prefix(23))
                }
            }
            // What SQLite finds (and ClickHouse must, above): each case means what it says.
            XCTAssertEqual(times("slot_count", "s-straddle"), ["2021-03-04T10:00:12.000"])
            XCTAssertEqual(times("slot_count", "s-ends"), ["2021-03-04T10:01:15.000"])
            XCTAssertEqual(times("slot_count", "s-miss"), ["2021-03-04T10:02:16.000"])
            XCTAssertEqual(times("slot_count", "s-again"), ["2021-03-04T10:03:00.000", "2021-03-04T10:03:19.500"])
            XCTAssertEqual(times("slot_count", "s-far"), [])
            // The user on three hosts: four only when every host's events count (10:04:08 on s-x1).
            XCTAssertEqual(times("slot_count_user", "s-x1"), ["2021-03-04T10:04:08.000"])
            XCTAssertTrue(alerts["slot_count_user", default: []].contains { $0.contains(#""group":{"User":"CORP\\x"}"#) })
            XCTAssertEqual(times("slot_values", "s-values"), ["2021-03-04T10:06:19.000"])
            XCTAssertFalse(times("slot_count_range", "s-straddle").isEmpty)
            XCTAssertFalse(times("slot_count_eq", "s-ends").isEmpty)
            XCTAssertFalse(alerts["slot_burst_then_whoami", default: []].isEmpty)
            XCTAssertFalse(alerts["slot_temporal", default: []].isEmpty)
        }
        // The user's hosts are on both shards: its alert needs counts merged across them.
        for shard in Self.shards {
            let hosts = try shard.integer("SELECT uniqExact(host) FROM slots.processes_local WHERE host IN ('s-x1', 's-x2', 's-x3')")
            XCTAssertGreaterThan(hosts, 0, shard.address)
        }
    }

    func testClickHouseCorrelations_eventListsCutToMaxEvents() throws {
        let rules = try writeRules(CorrelationEvents.rules, name: "cut.yml")
        for max in ["2", "0"] {
            let alerts = try assertSame(["--sigma", rules, "--param", "max_events=\(max)"], data: "edge", correlations: CorrelationEvents.correlationIDs)
            if max == "2" {
                XCTAssertTrue(alerts["count_by_host"]!.contains { line in
                    guard let range = line.range(of: "\"events_total\":") else { return false }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })! > 2
                }, "some alert holds more events than it lists")
            }
        }
    }

    func testClickHouseCorrelations_scopeByHostAndTime() throws {
        let rules = try writeRules(CorrelationEvents.rules, name: "scope.yml")
        _ = try assertSame(["--sigma", rules, "--host", "h2", "--since", "2021-03-04T10:01:00Z", "--until", "2021-03-04T10:04:00Z"],
                           data: "edge", correlations: CorrelationEvents.correlationIDs)
    }

    func testClickHouseCorrelations_builtInRemoteServiceCorrelationOnTheGeneratedCorpus() throws {
        // remote_service_rpc_correlation.yml's correlation (its two base rules run only inside it).
        let id = "6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20"
        let alerts = try assertSame(["--sigma", "builtin"], data: "corpus", correlations: [id])
        XCTAssertGreaterThanOrEqual(alerts[id, default: []].count, 3, "the planted cases alert")
        // `--format json`: the same document, byte for byte.
        let (sqlite, clickHouse, _) = try stores("corpus")
        let arguments = ["detect", "--sigma", "builtin", "--rule", id, "--format", "json"]
        let expected = try HuntProcess.run(arguments + ["--db", sqlite])
        XCTAssertEqual(expected.status, 2, expected.stderr)
        for db in clickHouse {
            let found = try HuntProcess.run(arguments + ["--db", db])
            XCTAssertEqual(found.status, 2, found.stderr)
            XCTAssertEqual(found.stdout, expected.stdout, db)
        }
    }

    func testClickHouseCorrelations_badInputIsNamedAndTheOthersRun() throws {
        let rules = try writeRules(CorrelationEvents.rules + "\n---\n" + CorrelationEvents.refusedOnClickHouse + "\n---\n" + CorrelationEvents.unknownReference,
                                   name: "bad.yml")
        let (sqlite, clickHouse, _) = try stores("edge")
        let onSQLite = try detect(sqlite, ["--sigma", rules])
        XCTAssertTrue(onSQLite.stderr.contains("bad.yml (unknown_ref): references the unknown rule no_such_rule"), onSQLite.stderr)
        XCTAssertFalse(byRule(onSQLite.lines)["text_sum", default: []].isEmpty, "value_sum over a text field runs on SQLite")
        for db in clickHouse {
            let run = try detect(db, ["--sigma", rules])
            XCTAssertTrue(run.stderr.contains("bad.yml (unknown_ref): references the unknown rule no_such_rule"), run.stderr)
            XCTAssertTrue(run.stderr.contains("bad.yml (text_sum): on ClickHouse: value_sum over the text field Image runs on SQLite only"), run.stderr)
            // Its base rule is used only inside it: it does not alert alone on ClickHouse either.
            XCTAssertTrue(run.stderr.contains("only used inside the correlation text_sum"), run.stderr)
            let found = byRule(run.lines)
            XCTAssertNil(found["text_sum"])
            XCTAssertNil(found["svchost_text"])
            for id in CorrelationEvents.correlationIDs {
                XCTAssertEqual(found[id], byRule(onSQLite.lines)[id], "\(db): \(id)")
            }
        }
    }
}

/// The edge-case events and rules of `ClickHouseSigmaCorrelationCLITests`: three hosts over
/// five minutes of process starts and connections whose times repeat (many share a
/// millisecond), processes with and without a user, in file order unlike time order.
enum CorrelationEvents {
    static let images = ["cmd.exe", "powershell.exe", "whoami.exe", "svchost.exe", "notepad.exe"]

    static func text(seed: UInt64) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var lines: [String] = []
        for record in 1...900 {
            let host = "h\(1 + next(3))"
            // Times on a coarse grid: many events share a millisecond.
            let millis = next(300) * 997 + (next(4) == 0 ? 0 : next(3))
            let time = String(format: "2021-03-04 10:%02d:%02d.%03d", millis / 60_000, millis / 1000 % 60, millis % 1000)
            let guid = String(format: "{aaaaaaaa-0000-4000-8000-%012d}", record)
            if next(5) == 0 {
                lines.append(#"{"EventID":3,"Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"\#(time)","ProcessGuid":"\#(guid)","ProcessId":"\#(1000 + next(40))","Image":"C:\\Windows\\System32\\svchost.exe","User":"NT AUTHORITY\\SYSTEM","Protocol":"tcp","Initiated":"false","SourceIp":"10.0.0.\#(next(9))","SourcePort":"\#(49152 + next(9))","DestinationIp":"10.0.1.1","DestinationPort":"\#(135 + next(3))"}"#)
                continue
            }
            let image = images[next(images.count)]
            let user = next(4) == 0 ? "" : #","User":"CORP\\u\#(next(3))""#
            lines.append(#"{"EventID":1,"Hostname":"\#(host)","RecordNumber":\#(record),"UtcTime":"\#(time)","ProcessGuid":"\#(guid)","ProcessId":"\#(1000 + next(40))","Image":"C:\\Windows\\System32\\\#(image)","CommandLine":"\#(image) /c x\#(next(7))"\#(user),"ParentProcessGuid":"{bbbbbbbb-0000-4000-8000-00000000000\#(next(4))}","ParentImage":"C:\\Windows\\explorer.exe"}"#)
        }
        // Exact boundaries on h4: a window reaches back exactly one timespan (both ends count),
        // and a match ending exactly one timespan after an alert belongs to it (no new alert),
        // a millisecond later it does not.
        let edges: [(String, String)] = [
            ("10:05:00.000", "cmd.exe"), ("10:05:01.000", "cmd.exe"), ("10:05:02.000", "cmd.exe"), ("10:05:03.000", "notepad.exe"),
            ("10:05:04.000", "notepad.exe"), ("10:05:12.000", "notepad.exe"), ("10:05:12.001", "notepad.exe"),
            ("10:06:00.000", "cmd.exe"), ("10:06:04.000", "powershell.exe"), ("10:06:08.000", "whoami.exe"),
            ("10:06:30.000", "cmd.exe"), ("10:06:35.000", "powershell.exe"), ("10:06:40.000", "whoami.exe"),
        ]
        for (offset, (time, image)) in edges.enumerated() {
            let record = 901 + offset
            lines.append(#"{"EventID":1,"Hostname":"h4","RecordNumber":\#(record),"UtcTime":"2021-03-04 \#(time)","ProcessGuid":"{aaaaaaaa-0000-4000-8000-\#(String(format: "%012d", record))}","ProcessId":"1000","Image":"C:\\Windows\\System32\\\#(image)","CommandLine":"\#(image)","User":"CORP\\edge","ParentProcessGuid":"{bbbbbbbb-0000-4000-8000-000000000009}","ParentImage":"C:\\Windows\\explorer.exe"}"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func base(_ name: String, image: String?, category: String = "process_creation") -> String {
        let selection = image.map { $0.hasPrefix(".") ? "Image|endswith: '\($0)'" : "Image|endswith: '\\\($0)'" } ?? "Protocol: tcp"
        return """
            title: \(name)
            name: \(name)
            id: \(name)
            logsource: {category: \(category), product: windows}
            detection:
                sel:
                    \(selection)
                condition: sel
            """
    }

    static func correlation(_ id: String, _ type: String, rules: [String], groupBy: [String], timespan: String, condition: String?,
                            extra: String = "") -> String {
        """
        title: \(id)
        name: \(id)
        id: \(id)
        level: high
        tags: [attack.t1059, attack.execution]
        correlation:
            type: \(type)
            rules: [\(rules.joined(separator: ", "))]
        \(groupBy.isEmpty ? "" : "    group-by: [\(groupBy.joined(separator: ", "))]")
            timespan: \(timespan)
        \(condition.map { "    condition: \($0)" } ?? "")
        \(extra)
        """
    }

    static let correlationIDs: Set<String> = [
        "count_by_host", "count_by_user", "count_no_group", "count_few", "distinct_images", "pid_sum", "pid_avg",
        "pid_percentile", "temporal_three", "ordered_three", "ordered_two_of_three", "cmd_burst", "burst_then_whoami",
        "net_then_process", "distinct_ports",
    ]

    static var rules: String {
        [
            base("any_process", image: ".exe"), base("cmd", image: "cmd.exe"), base("powershell", image: "powershell.exe"),
            base("whoami", image: "whoami.exe"), base("svchost", image: "svchost.exe"), base("connection", image: nil, category: "network_connection"),
            correlation("count_by_host", "event_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{gte: 3}"),
            correlation("count_by_user", "event_count", rules: ["any_process", "connection"], groupBy: ["Computer", "User"], timespan: "20s", condition: "{gte: 4}"),
            correlation("count_no_group", "event_count", rules: ["cmd", "connection"], groupBy: [], timespan: "5s", condition: "{gte: 3}"),
            correlation("count_few", "event_count", rules: ["whoami"], groupBy: ["Computer"], timespan: "30s", condition: "{lt: 2}"),
            correlation("distinct_images", "value_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "15s", condition: "{field: Image, gte: 3}"),
            correlation("distinct_ports", "value_count", rules: ["connection"], groupBy: [], timespan: "1m", condition: "{field: DestinationPort, gt: 1, lte: 3}"),
            correlation("pid_sum", "value_sum", rules: ["cmd", "powershell"], groupBy: ["Computer"], timespan: "20s", condition: "{field: ProcessId, gt: 3050}"),
            correlation("pid_avg", "value_avg", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{field: ProcessId, gte: 1025}"),
            correlation("pid_percentile", "value_percentile", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s",
                        condition: "{field: ProcessId, percentile: 90, gte: 1036}"),
            correlation("temporal_three", "temporal", rules: ["cmd", "powershell", "whoami"], groupBy: ["Computer"], timespan: "8s", condition: nil),
            correlation("ordered_three", "temporal_ordered", rules: ["cmd", "powershell", "whoami"], groupBy: ["Computer"], timespan: "10s", condition: nil),
            correlation("ordered_two_of_three", "temporal_ordered", rules: ["cmd", "powershell", "whoami"], groupBy: ["Computer"], timespan: "4s",
                        condition: "{gte: 2}"),
            correlation("cmd_burst", "event_count", rules: ["cmd"], groupBy: ["Computer"], timespan: "10s", condition: "{gte: 2}", extra: "generate: true"),
            correlation("burst_then_whoami", "temporal_ordered", rules: ["cmd_burst", "whoami"], groupBy: ["Computer"], timespan: "20s", condition: nil,
                        extra: "generate: true"),
            correlation("net_then_process", "temporal_ordered", rules: ["connection", "svchost"], groupBy: ["Computer", "instance"], timespan: "30s", condition: nil,
                        extra: "    aliases:\n        instance:\n            connection: ProcessId\n            svchost: ProcessId"),
        ].joined(separator: "\n---\n")
    }

    /// A value_sum over a text field: SQLite follows its own text-to-number conversions, ClickHouse names it.
    static let refusedOnClickHouse = base("svchost_text", image: "svchost.exe") + "\n---\n" + correlation("text_sum", "value_sum", rules: ["svchost_text"], groupBy: ["Computer"], timespan: "1m", condition: "{field: Image, gte: 0}")

    static let unknownReference = correlation("unknown_ref", "event_count", rules: ["no_such_rule"], groupBy: ["Computer"], timespan: "1m", condition: "{gte: 1}")
}
