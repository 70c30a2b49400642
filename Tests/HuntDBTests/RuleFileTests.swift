import Foundation
import XCTest
import HuntDB
@testable import Detect

/// Rule files as data: what a header declares, what is refused and how, and what the engine
/// does with the declarations.
final class RuleFileTests: XCTestCase {
    private func rule(_ header: String, sql: String = "SELECT 'h' AS host, 1 AS n") throws -> DetectionRule {
        try DetectionRule(sql: "-- id: r\n" + header + "\n" + sql, origin: "r.sql")
    }

    private func refusal(_ header: String) -> String {
        do {
            _ = try rule(header)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testRuleFile_theBuiltInRulesKeepTheirAlertKeys() throws {
        let keys = ["rule_id", "rule_name", "severity", "host", "network_time", "process_time", "delta_ms",
                    "source_ip", "source_port", "destination_ip", "destination_port", "services_entity_id", "services_pid",
                    "child_entity_id", "child_pid", "child_executable", "child_command_line", "child_user",
                    "connections_in_window", "network_source", "process_source",
                    // the alert context (`-- context: remote_service`), after the rule's own
                    "logon_user", "logon_domain", "logon_id", "logon_type", "logon_time", "logon_ip",
                    "service_name", "service_image", "service_time",
                    "source_host", "source_entity_id", "source_executable", "source_command_line", "clock_offset_ms"]
        let table = ["rule_id", "severity", "host", "time", "delta_ms", "source", "services_entity_id", "child_entity_id", "child_executable",
                     "child_command_line", "connections_in_window"]
        for rule in try RuleCatalog.builtIn().rules {
            XCTAssertEqual(rule.alertKeys, keys, rule.id)
            XCTAssertEqual(rule.tableColumns, table, rule.id)
            XCTAssertFalse(rule.needs.isEmpty, rule.id)
        }
    }

    func testRuleFile_declarationsParse() throws {
        let parsed = try rule("""
            -- needs: network name=services.exe direction=incoming -- often not logged
            -- needs: process
            -- column: n INTEGER -- a number
            -- column: args ARGS hidden
            -- column: at TIME
            -- table: host, at
            """, sql: "SELECT 'h' AS host, 1 AS n, '[]' AS args, 0 AS at")
        XCTAssertEqual(parsed.columns.map(\.name), ["n", "args", "at"])
        XCTAssertEqual(parsed.columns.map(\.kind), [.integer, .args, .time])
        XCTAssertEqual(parsed.columns.map(\.hidden), [false, true, false])
        XCTAssertEqual(parsed.alertKeys, ["rule_id", "rule_name", "severity", "host", "n", "at"])
        XCTAssertEqual(parsed.tableColumns, ["host", "at"])
        XCTAssertEqual(parsed.needs.map(\.label), ["services_incoming", "process_starts"])
        XCTAssertEqual(parsed.needs[0].hint, "often not logged")
        XCTAssertEqual(parsed.needs[0].missingText, "no incoming network events of services.exe")
    }

    func testRuleFile_malformedDeclarationsAreRefusedWithFileAndLine() {
        XCTAssertEqual(refusal(""), "r.sql: the rule declares no output column (add `-- column: name TYPE -- help` lines)")
        XCTAssertEqual(refusal("-- column: n NUMBER"), "r.sql: line 2: column n has unknown type NUMBER (use TEXT, INTEGER, TIME, ARGS, JSON)")
        XCTAssertEqual(refusal("-- column: n"), "r.sql: line 2: a column reads `-- column: name TYPE [hidden] [-- help]`")
        XCTAssertEqual(refusal("-- column: host TEXT"), "r.sql: line 2: the column host is declared twice (or is a common key: rule_id, rule_name, severity, host)")
        XCTAssertEqual(refusal("-- column: n INTEGER\n-- table: host, m"), "r.sql: the table column m is not a declared column")
        XCTAssertEqual(refusal("-- column: n INTEGER\n-- needs: registry"),
                       "r.sql: line 3: needs reads `-- needs: process|network|logon|service [name=NAME] [direction=incoming|outgoing] [-- hint]`")
        XCTAssertEqual(refusal("-- column: n INTEGER\n-- needs: process direction=incoming"),
                       "r.sql: line 3: needs takes name=NAME (process, network), and direction=incoming|outgoing for network events; not \"direction=incoming\"")
    }

    func testRuleFile_argsAreDecodedOnlyAsJSONArraysOfStrings() {
        XCTAssertEqual(JSONStringArray.decode(#"["a","b \"c\"","C:\\x","\u00e9\ud83d\ude00"]"#), ["a", #"b "c""#, #"C:\x"#, "é😀"])
        XCTAssertEqual(JSONStringArray.decode(" [ ] "), [])
        XCTAssertNil(JSONStringArray.decode(#"["a",1]"#))
        XCTAssertNil(JSONStringArray.decode(#"["a""#))
        XCTAssertNil(JSONStringArray.decode(#"["a"] x"#))
        // The store writes these arrays itself; an escape it never writes decodes as the loader's
        // unescaper decodes it: U+FFFD.
        XCTAssertEqual(JSONStringArray.decode(#"["\q"]"#), ["\u{FFFD}"])
    }

    func testRuleFile_coverageColumnsAndGapsFollowTheNeeds() throws {
        let harness = try DetectionHarness([SysmonFixture.process(record: 1, ms: 0, guid: "c0000000-0000-0000-0000-000000000001",
                                                                  image: #"C:\Windows\evil.exe"#)])
        let rules = try RuleCatalog.builtIn().rules
        let report = CoverageReport(store: harness.store, rules: rules)
        XCTAssertEqual(report.columns, ["host", "process_starts", "network_events", "logons", "service_installs", "services_incoming", "notes"])
        let hosts = try report.hosts(in: EventScope())
        XCTAssertEqual(hosts.map(\.host), ["WS1.corp.example"])
        XCTAssertEqual(hosts[0].checks.map(\.present), [true, false, false, false, false])
        // Without network events at all, the narrower services.exe gap is not repeated.
        XCTAssertEqual(hosts[0].gaps, [
            "no network connection events (Sysmon Event ID 3 / ECS network) were loaded: remote_service_rpc and rpc_service_network cannot fire",
        ])
        let processOnly = CoverageReport(store: harness.store, rules: try RuleCatalog.builtIn().select(["rpc_service_process"]))
        XCTAssertEqual(processOnly.columns, ["host", "process_starts", "logons", "service_installs", "notes"])
        // Missing context is said, but does not make the host blind.
        XCTAssertEqual(try processOnly.hosts(in: EventScope()).first?.contextGaps.count, 2)
        XCTAssertEqual(try processOnly.hosts(in: EventScope()).first?.gaps, [])
        XCTAssertEqual(try report.hosts(in: EventScope(host: "WS-9999")), [])
    }
}

final class IPRangeTests: XCTestCase {
    func testIPRange_aZoneDoesNotChangeWhichAddressesARangeHolds() throws {
        let linkLocal = try XCTUnwrap(IPRange("fe80::/10"))
        XCTAssertTrue(linkLocal.contains("fe80::1%12"))
        XCTAssertTrue(linkLocal.contains("fe80::1"))
        XCTAssertFalse(linkLocal.contains("2001:db8::1%12"))
        XCTAssertTrue(try XCTUnwrap(IPRange("10.0.0.0/24")).contains("10.0.0.5"))
    }
}
