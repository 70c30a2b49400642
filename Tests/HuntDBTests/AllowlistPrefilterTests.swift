import XCTest
import HuntDB

/// The allowlist's executable-only entries applied in remote_service_rpc's SQL, before pairing,
/// when suppressed alerts are only counted: which entries qualify, the SQL function that matches
/// them, and the count row that stands for what the SQL left out. (Every `DetectionHarness.run`
/// also checks that both paths give the same alerts and the same count.)
final class AllowlistPrefilterTests: XCTestCase {
    typealias F = SysmonFixture
    private static let rpc = "remote_service_rpc"

    private func rule(_ id: String = rpc) throws -> DetectionRule {
        try XCTUnwrap(RuleCatalog.builtIn().rules.first { $0.id == id })
    }

    func testEntries_onlyThoseThatNameNothingButTheExecutable() throws {
        let list = try Allowlist.parse(#"""
            executable="?:\Tools\a.exe" reason="only the executable"
            executable="?:\Tools\b.exe" args="/x" reason="also an argument"
            executable="?:\Tools\*" executable="*.exe" reason="two patterns, both must match"
            rule="remote_service_*" executable="?:\Tools\c.exe" reason="this rule"
            rule="rpc_service_network" executable="?:\Tools\d.exe" reason="another rule"
            host="ws1" reason="a host"
            source_ip="10.0.0.0/8" executable="?:\Tools\e.exe" reason="an address"
            """#, origin: "ours")
        XCTAssertEqual(list.executableOnlyEntries(for: try rule()),
                       [[#"?:\Tools\a.exe"#], [#"?:\Tools\*"#, "*.exe"], [#"?:\Tools\c.exe"#]])
    }

    func testEntries_theDefaultsOnlyForTheirRules() throws {
        let defaults = try Allowlist.builtIn()
        XCTAssertTrue(defaults.executableOnlyEntries(for: try rule()).contains([#"?:\Windows\System32\svchost.exe"#]))
        // msiexec is allowed only with /V: never left to the SQL.
        XCTAssertFalse(defaults.executableOnlyEntries(for: try rule()).joined().contains(#"?:\Windows\System32\msiexec.exe"#))
        var other = try rule()
        other.usesDefaultAllowlist = false
        XCTAssertEqual(defaults.executableOnlyEntries(for: other), [])
    }

    func testParameter_aUserValueIsRefusedNotIgnored() throws {
        let harness = try DetectionHarness([F.network(record: 1, ms: 0)])
        let engine = DetectionEngine(store: harness.store, allowlist: try Allowlist.builtIn())
        var options = DetectionOptions()
        XCTAssertNoThrow(try engine.parameterValues(of: try rule(), options: options))
        options.parameters = ["allowlisted_executables": #"[["x.exe"]]"#]
        XCTAssertThrowsError(try engine.parameterValues(of: try rule(), options: options)) { error in
            XCTAssertEqual("\(error)", "remote_service_rpc: --param allowlisted_executables is set by hunt from the allowlist; "
                           + "change the allowlist (--allowlist FILE) instead")
        }
    }

    func testSQLFunction_matchesLikeTheAllowlist() throws {
        let harness = try DetectionHarness([F.network(record: 1, ms: 0)])
        let entries = #"[["?:\\Windows\\*.exe"], ["*\\tools\\*", "*.EXE"], ["C:\\Ünïcode\\ß.exe"]]"#
        let cases: [(String?, Bool)] = [
            (#"C:\Windows\System32\svchost.exe"#, true),
            (#"c:\windows\x.EXE"#, true),
            (#"CC:\Windows\x.exe"#, false),
            (#"D:\Tools\run.exe"#, true),
            (#"D:\Tools\run.dll"#, false),
            (#"c:\ünÏcode\ß.EXE"#, true),
            (nil, false),
        ]
        for (value, expected) in cases {
            let rows = RowsCollector()
            _ = try harness.store.runRule(sql: "SELECT hunt_allowlisted(:entries, :value) AS host",
                                          parameters: ["entries": .text(entries), "value": value.map(RowValue.text) ?? .null],
                                          purpose: "test", into: rows)
            XCTAssertEqual(rows.rows, [[.integer(expected ? 1 : 0)]], value ?? "NULL")
        }
        let rows = RowsCollector()
        _ = try harness.store.runRule(sql: "SELECT hunt_allowlisted(NULL, 'x.exe') AS host", parameters: [:], purpose: "test", into: rows)
        XCTAssertEqual(rows.rows, [[.integer(0)]], "no entries: nothing is allowlisted")
    }

    /// Two allowlisted children that pair, one that does not (outside the window), one alert.
    private func fixture() -> [String] {
        [F.network(record: 1, ms: 0),
         F.process(record: 2, ms: 10, guid: "{c0000000-0000-0000-0000-000000000001}", image: #"C:\Windows\System32\svchost.exe"#),
         F.process(record: 3, ms: 20, guid: "{c0000000-0000-0000-0000-000000000002}", image: #"C:\Program Files\Vendor\agent.exe"#),
         F.process(record: 4, ms: 30, guid: "{c0000000-0000-0000-0000-000000000003}", image: #"C:\Windows\Temp\evil.exe"#),
         F.process(record: 5, ms: 5000, guid: "{c0000000-0000-0000-0000-000000000004}", image: #"C:\Windows\System32\svchost.exe"#)]
    }

    func testRule_countsWhatTheSQLLeftOut() throws {
        let harness = try DetectionHarness(fixture())
        let rule = try rule()
        // The SQL itself: one alert row and one count row for the two children it left out.
        let rows = RowsCollector()
        let entries = Allowlist.builtInEntriesJSON(for: rule)
        _ = try harness.store.runRule(sql: rule.query.sql,
                                      parameters: try DetectionEngine(store: harness.store, allowlist: Allowlist())
                                          .parameterValues(of: rule, options: DetectionOptions())
                                          .merging(["allowlisted_executables": .text(entries)]) { $1 },
                                      purpose: "test", into: rows)
        let count = try XCTUnwrap(rows.columns.firstIndex(of: "allowlisted_count"))
        XCTAssertEqual(rows.rows.map { $0[count] }, [.integer(2), .null])
        // Through the engine, counted only: the same alert and the same count as when listed.
        let listed = try harness.run(Self.rpc)
        XCTAssertEqual(listed.alerts.map(\.childExecutable), [#"C:\Windows\Temp\evil.exe"#])
        XCTAssertEqual(listed.suppressed.count, 2)
    }

    func testRule_userEntriesAndTheirRuleConditionsApplyBeforePairing() throws {
        let list = try Allowlist.parse(#"""
            rule="remote_service_rpc" executable="*\evil.exe" reason="lab tool"
            rule="rpc_service_network" executable="*\agent.exe" reason="not this rule"
            """#, origin: "ours")
        var options = DetectionOptions()
        options.listsSuppressedAlerts = false
        let harness = try DetectionHarness(fixture())
        let engine = DetectionEngine(store: harness.store, allowlist: list)
        var alerts: [Alert] = []
        var rule = try rule()
        rule.usesDefaultAllowlist = false
        let summary = try engine.run(rule, options: options, onAlert: { alerts.append($0) })
        XCTAssertEqual(alerts.compactMap(\.childExecutable).sorted(), [#"C:\Program Files\Vendor\agent.exe"#, #"C:\Windows\System32\svchost.exe"#])
        XCTAssertEqual(summary.suppressed, 1)
    }
}

private extension Allowlist {
    /// The built-in entries the SQL may apply for `rule`, as the engine binds them.
    static func builtInEntriesJSON(for rule: DetectionRule) -> String {
        let entries = (try? Allowlist.builtIn().executableOnlyEntries(for: rule)) ?? []
        let data = try? JSONSerialization.data(withJSONObject: entries)
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }
}

/// Every row a statement returned, with its columns.
final class RowsCollector: RowSink {
    private(set) var columns: [String] = []
    private(set) var rows: [[RowValue]] = []
    func begin(columns: [String]) throws { self.columns = columns }
    func write(_ row: [RowValue]) throws { rows.append(row) }
    func end() throws {}
}
