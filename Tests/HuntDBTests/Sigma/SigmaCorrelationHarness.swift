import Foundation
import XCTest
import HuntDB

/// Fixture events, base rules and a correlation: which alerts the correlation gives, each as
/// the fixture lines of its events (1-based), its time, group and value.
final class SigmaCorrelationHarness {
    typealias F = SysmonFixture
    let detection: DetectionHarness

    struct Hit {
        var lines: [Int]
        var nested: [[Int]] = []
        var kinds: [String] = []
        var ruleIDs: [String]
        var timeMs: Int64
        var group: [String: String]
        var value: Double
        /// How many events the match holds (`events` lists at most `max_events` of them).
        var eventsTotal: Int64?
    }

    init(_ lines: [String]) throws {
        detection = try DetectionHarness(lines)
    }

    /// Base rules used by the tests: `cmd` (cmd.exe starts), `ps` (powershell.exe starts),
    /// `smb` (connections to port 445) and `any_net` (every connection).
    static let baseRules = """
        title: cmd
        id: 11111111-0000-4000-8000-000000000001
        name: cmd
        logsource: {category: process_creation, product: windows}
        detection:
            sel:
                Image|endswith: '\\cmd.exe'
            condition: sel
        ---
        title: ps
        id: 11111111-0000-4000-8000-000000000002
        name: ps
        logsource: {category: process_creation, product: windows}
        detection:
            sel:
                Image|endswith: '\\powershell.exe'
            condition: sel
        ---
        title: smb
        id: 11111111-0000-4000-8000-000000000003
        name: smb
        logsource: {category: network_connection, product: windows}
        detection:
            sel:
                DestinationPort: 445
            condition: sel
        ---
        title: any_net
        id: 11111111-0000-4000-8000-000000000004
        name: any_net
        logsource: {category: network_connection, product: windows}
        detection:
            sel:
                Protocol: tcp
            condition: sel
        """

    /// A correlation document around a `correlation:` body (indented by four spaces).
    static func correlation(_ body: String, extra: String = "") -> String {
        """
        title: Test correlation
        id: 22222222-0000-4000-8000-000000000001
        level: high
        \(extra)correlation:
        \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static func set(_ yaml: String, path: String = "corr.yml") -> SigmaRuleSet {
        SigmaRuleSet(statuses: SigmaRuleSet.documentStatuses(yaml: yaml, path: path, compiler: SigmaCompiler(), builtIn: false))
            .resolvingCorrelations(compiler: SigmaCompiler())
    }

    /// The hits of a correlation body over the base rules.
    func hits(_ body: String, options: DetectionOptions = DetectionOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> [Hit] {
        let set = Self.set(Self.correlation(body) + "\n---\n" + Self.baseRules)
        guard let correlation = set.correlations.first else {
            XCTFail("unsupported: \(set.statuses.first?.reason ?? "?")", file: file, line: line)
            return []
        }
        return try run(correlation, options: options)
    }

    func run(_ correlation: SigmaCompiledCorrelation, options: DetectionOptions = DetectionOptions()) throws -> [Hit] {
        let rule = try correlation.detectionRule(builtIn: false)
        var hits: [Hit] = []
        let start = Timestamp.parseMicros("2026-11-01T10:00:00Z")!
        _ = try DetectionEngine(store: detection.store, allowlist: Allowlist()).run(rule, options: options) { alert in
            guard case .json(let eventsText) = alert["events"], case .json(let groupText) = alert["group"] else {
                XCTFail("events and group are JSON values")
                return
            }
            let events = try JSONSerialization.jsonObject(with: Data(eventsText.utf8)) as! [[String: Any]]
            let group = try JSONSerialization.jsonObject(with: Data(groupText.utf8)) as! [String: Any]
            let value: Double
            switch alert["value"] {
            case .integer(let v): value = Double(v)
            case .real(let v): value = v
            default: value = .nan
            }
            // A referenced correlation's alert (chaining) is an entry with its own events: line 0
            // here, its events' lines in `nested`.
            func line(_ event: [String: Any]) -> Int {
                (event["source"] as? String).flatMap { Int($0.split(separator: ":").last!) } ?? 0
            }
            let nested = events.compactMap { $0["events"] as? [[String: Any]] }.map { $0.map(line) }
            hits.append(Hit(lines: events.map(line), nested: nested, kinds: events.map { $0["event_kind"] as! String },
                            ruleIDs: events.map { $0["rule_id"] as! String },
                            timeMs: (alert.integer("time")! - start) / 1000,
                            group: group.mapValues { "\($0)" }, value: value,
                            eventsTotal: alert.integer("events_total")))
        }
        return hits
    }
}
