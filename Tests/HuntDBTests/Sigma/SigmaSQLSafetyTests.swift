import Foundation
import XCTest
import HuntDB

/// Compiled Sigma SQL holds no rule value: every quoted literal in it is one of the compiler's
/// constants, and no bound value's text appears in it. Checked on hostile fixtures and, when
/// ../shared/sigma is there, on every SigmaHQ rule.
final class SigmaSQLSafetyTests: XCTestCase {
    /// The single-quoted literals the compiler and the alert layout write themselves.
    static let constants: Set<String> = ["'\\'", "'true'", "'false'", "'outgoing'", "'incoming'", "':'", "''", "'blob'",
                                         "'process'", "'network'", "'.'", "'id:'", "'*[0-9]*'",
                                         "'MD5'", "'SHA1'", "'SHA256'", "'IMPHASH'"]

    static func literals(in sql: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "'(?:[^']|'')*'")
        return regex.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)).map { String(sql[Range($0.range, in: sql)!]) }
    }

    /// The literals the ClickHouse dialect writes (`SigmaClickHouseSQL`, the query around it).
    static let clickHouseConstants: Set<String> = Set([
        "'\\\\'", "'^[0-9a-f]{32}$'", "'^[ \\\\t]+|[ \\\\t]+$'",
        "'^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$'",
        "':((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$'", "'%'",
    ]).union(["MD5", "SHA1", "SHA256", "IMPHASH"].map { "'(?i)(?:^|,)[ \\\\t]*\($0)[ \\\\t]*=([^,]*)'" })

    private func assertSafe(_ status: SigmaRuleStatus, file: StaticString = #filePath, line: UInt = #line) {
        guard let compiled = status.compiled else { return }
        assertSafe(sql: compiled.sql(storedColumns: nil), bindings: compiled.bindings, constants: Self.constants, path: status.path,
                   file: file, line: line)
        // The same rule written for ClickHouse: its values are bound there too.
        guard case .success(let clickHouse) = compiled.compiledForClickHouse() else { return }
        assertSafe(sql: clickHouse.clickHouseSQL(storedColumns: nil), bindings: clickHouse.bindings,
                   constants: Self.constants.union(Self.clickHouseConstants), path: status.path + " (ClickHouse)", file: file, line: line)
    }

    private func assertSafe(sql: String, bindings: [(name: String, value: RowValue)], constants: Set<String>, path: String,
                            file: StaticString, line: UInt) {
        for literal in Self.literals(in: sql) where !constants.contains(literal) {
            XCTFail("\(path): the literal \(literal) is not one of the compiler's constants", file: file, line: line)
        }
        for (_, value) in bindings {
            // (A value of blanks only is found in any indented text.)
            guard case .text(let text) = value, text.count >= 6, !text.allSatisfy(\.isWhitespace) else { continue }
            XCTAssertFalse(sql.contains(text), "\(path): the value \(text) appears in the SQL text", file: file, line: line)
        }
    }

    func testSigmaSQLSafety_hostileValuesStayBound() {
        let hostile = ["x'); DROP TABLE processes; --", "' OR '1'='1", "%' ESCAPE '", "\\'\\'", "1) OR (1=1"]
        for value in hostile {
            let yamlValue = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
            for modifier in ["", "|contains", "|re", "|cased", "|contains|windash", "|base64offset|contains", "|fieldref|contains",
                             "|endswith", "|startswith|cased", "|all"] {
                let status = SigmaHarness.compile("sel:\n    CommandLine\(modifier): \(yamlValue)\ncondition: sel")
                assertSafe(status)
            }
        }
    }

    /// The literals the correlation SQL adds (JSON keys of an event, the time format).
    static let correlationConstants: Set<String> = ["'%Y-%m-%dT%H:%M:%S'", "'unixepoch'", "'.%03dZ'", "'rule_id'", "'event_kind'",
                                                    "'time'", "'entity_id'", "'record_id'", "'source'",
                                                    // chaining: a referenced correlation's alert as one event
                                                    "'correlation'", "'$.rule_id'", "'first_time'", "'host'", "'correlation_type'",
                                                    "'group'", "'value'", "'events_total'", "'events'"]

    func testSigmaSQLSafety_correlationValuesStayBound() {
        let hostile = "x'); DROP TABLE processes; --"
        let quoted = "'" + hostile.replacingOccurrences(of: "'", with: "''") + "'"
        for type in ["event_count", "value_count", "value_sum", "value_avg", "value_percentile", "temporal", "temporal_ordered"] {
            let field = type.hasPrefix("value_") ? "\n    field: \(quoted)" : ""
            let percentile = type == "value_percentile" ? "\n    percentile: 95" : ""
            let body = """
                type: \(type)
                rules:
                    - cmd
                    - smb
                group-by:
                    - \(quoted)
                aliases:
                    \(quoted):
                        cmd: Image
                        smb: Image
                    \(quoted.dropLast())2':
                        cmd: CommandLine
                        smb: DestinationHostname
                timespan: 10s
                condition:
                    gte: 2\(field)\(percentile)
                """.replacingOccurrences(of: "field: \(quoted)", with: "field: \(quoted.dropLast())2'")
            let base = SigmaCorrelationHarness.baseRules.replacingOccurrences(of: "'\\cmd.exe'", with: quoted)
            let set = SigmaCorrelationHarness.set(SigmaCorrelationHarness.correlation(body) + "\n---\n" + base)
            guard let compiled = set.correlations.first else {
                XCTFail("\(type): \(set.statuses.first?.reason ?? "")")
                continue
            }
            let (sql, bindings) = compiled.query()
            for literal in Self.literals(in: sql) where !Self.constants.contains(literal) && !Self.correlationConstants.contains(literal) {
                XCTFail("\(type): the literal \(literal) is not one of the compiler's constants")
            }
            XCTAssertFalse(sql.contains("DROP TABLE"), "\(type): a value reached the SQL text")
            XCTAssertTrue(bindings.values.contains(.text(hostile)), "\(type): the hostile group name is bound")
            // The same correlation on ClickHouse: its events query holds no value either (value_sum,
            // value_avg and value_percentile over a text field are refused there).
            guard !["value_sum", "value_avg", "value_percentile"].contains(type) else { continue }
            guard let rule = try? set.forClickHouse().detectionRules(storedColumns: nil).first(where: { $0.id == compiled.ruleID }),
                  let text = rule.clickHouseSQL else {
                XCTFail("\(type): no ClickHouse form: \(set.forClickHouse().unsupported.map(\.reason))")
                continue
            }
            for literal in Self.literals(in: text) where !Self.constants.union(Self.clickHouseConstants).contains(literal) {
                XCTFail("\(type) on ClickHouse: the literal \(literal) is not one of the compiler's constants")
            }
            XCTAssertFalse(text.lowercased().contains("drop table"), "\(type) on ClickHouse: a value reached the SQL text")
            XCTAssertTrue(rule.boundValues.contains { name, value in
                guard name.hasPrefix("ch_"), case .text(let text) = value else { return false }
                return text.lowercased().contains("drop table processes")
            }, "\(type) on ClickHouse: the hostile value is bound")
        }
    }

    func testSigmaSQLSafety_chainedCorrelationValuesStayBound() {
        let hostile = "x'); DROP TABLE processes; --"
        let quoted = "'" + hostile.replacingOccurrences(of: "'", with: "''") + "'"
        let inner = """
            title: Inner
            name: \(quoted)
            correlation:
                type: event_count
                rules:
                    - cmd
                group-by:
                    - \(quoted)
                aliases:
                    \(quoted):
                        cmd: Image
                timespan: 10s
                condition:
                    gte: 2
            """
        let outer = SigmaCorrelationHarness.correlation("""
            type: temporal_ordered
            rules:
                - \(quoted)
                - ps
            group-by:
                - \(quoted)
            aliases:
                \(quoted):
                    \(quoted): \(quoted)
                    ps: Image
            timespan: 10s
            """)
        let base = SigmaCorrelationHarness.baseRules.replacingOccurrences(of: "'\\cmd.exe'", with: quoted)
        let set = SigmaCorrelationHarness.set(outer + "\n---\n" + inner + "\n---\n" + base)
        guard let compiled = set.statuses.first?.correlation else {
            return XCTFail(set.statuses.first?.reason ?? "")
        }
        let (sql, bindings) = compiled.query()
        for literal in Self.literals(in: sql) where !Self.constants.contains(literal) && !Self.correlationConstants.contains(literal) {
            XCTFail("the literal \(literal) is not one of the compiler's constants")
        }
        XCTAssertFalse(sql.contains("DROP TABLE"), "a value reached the SQL text")
        XCTAssertTrue(bindings.values.contains(.text(hostile)), "the hostile names are bound")
        XCTAssertTrue(bindings.keys.contains { $0.hasPrefix("n0_") }, "the inner correlation's values are bound under their own names")
    }

    func testSigmaSQLSafety_everySigmaHQRule() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let rules = root.deletingLastPathComponent().appendingPathComponent("shared/sigma/rules")
        guard FileManager.default.fileExists(atPath: rules.path) else { throw XCTSkip("../shared/sigma is not here") }
        let set = try SigmaRuleSet.load(paths: [rules.path], compiler: SigmaCompiler())
        XCTAssertGreaterThan(set.supported.count, 1000)
        for status in set.statuses { assertSafe(status) }
    }
}
