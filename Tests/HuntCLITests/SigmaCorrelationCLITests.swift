import Foundation
import XCTest

/// Sigma correlations through the real binary: `hunt detect --sigma` (JSON alerts with a group
/// object and the events array), references across files, bad correlations named with their
/// file while the others run, `hunt sigma check` and `show-sql`, and the real psexec recording.
final class SigmaCorrelationCLITests: XCTestCase {
    static let baseRules = """
        title: Connection to services.exe
        id: 7a000000-0000-4000-8000-000000000001
        name: to_services
        logsource: {category: network_connection, product: windows}
        detection:
            sel:
                Image|endswith: '\\services.exe'
                Initiated: 'false'
            condition: sel
        ---
        title: Child of services.exe
        id: 7a000000-0000-4000-8000-000000000002
        name: services_child
        logsource: {category: process_creation, product: windows}
        detection:
            sel:
                ParentImage|endswith: '\\services.exe'
            condition: sel
        """

    static func correlation(id: String, type: String = "temporal_ordered", rules: [String] = ["to_services", "services_child"],
                            timespan: String = "1s", extra: String = "") -> String {
        """
        title: Correlation \(id)
        id: \(id)
        level: high
        correlation:
            type: \(type)
            rules:
        \(rules.map { "        - \($0)" }.joined(separator: "\n"))
            group-by:
                - Computer
                - instance
            aliases:
                instance:
                    to_services: ProcessGuid
                    services_child: ParentProcessGuid
            timespan: \(timespan)
        \(extra)
        """
    }

    private func loaded() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Events.lateralMovementText)])
        XCTAssertEqual(load.status, 0, load.stderr)
        return (dir, db)
    }

    func testCorrelationDetect_jsonAlertWithGroupAndEventsAcrossFiles() throws {
        let (dir, db) = try loaded()
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        _ = try dir.write("rules/base.yml", Self.baseRules)
        _ = try dir.write("rules/mr_remote.yml", Self.correlation(id: "remote-chain"))
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]], detect.stdout)
        // Two children follow the connection (cmd.exe at +578 ms, PSEXESVC.EXE at +681 ms):
        // one match; the second child could only reuse the connection of the first.
        XCTAssertEqual(alerts.count, 1, detect.stdout)
        let alert = try XCTUnwrap(alerts.first)
        XCTAssertEqual(alert["rule_id"] as? String, "remote-chain")
        XCTAssertEqual(alert["severity"] as? String, "high")
        XCTAssertEqual(alert["host"] as? String, "WS6.corp.example")
        XCTAssertEqual(alert["time"] as? String, "2020-09-20T16:16:56.597Z")
        XCTAssertEqual(alert["correlation_type"] as? String, "temporal_ordered")
        let group = try XCTUnwrap(alert["group"] as? [String: String], "group is a JSON object")
        XCTAssertEqual(group, ["Computer": "WS6.corp.example", "instance": "d273d0f0-e865-5f64-0b00-000000000800"])
        let events = try XCTUnwrap(alert["events"] as? [[String: Any]], "events is a JSON array")
        XCTAssertEqual(events.map { $0["rule_id"] as? String }, ["7a000000-0000-4000-8000-000000000001", "7a000000-0000-4000-8000-000000000002"])
        XCTAssertEqual(events.map { $0["event_kind"] as? String }, ["network", "process"])
        XCTAssertEqual(events.map { $0["record_id"] as? String }, ["10", "11"])
        XCTAssertEqual(events.map { $0["time"] as? String }, ["2020-09-20T16:16:56.019Z", "2020-09-20T16:16:56.597Z"])
        XCTAssertEqual(events.map { $0["entity_id"] as? String }, ["d273d0f0-e865-5f64-0b00-000000000800", "d273d0f0-8078-5f67-cb06-000000000800"])
        XCTAssertEqual(events.map { ($0["source"] as? String)?.hasSuffix("events.json:1") }.first, true)
        XCTAssertTrue(detect.stderr.contains("1 of 3 Sigma rules will run, 0 skipped, 2 only inside correlations"), detect.stderr)

        // NDJSON: one line per alert with the same nested values; CSV: the JSON as text.
        let ndjson = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--format", "ndjson"])
        let lines = ndjson.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let line = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertNotNil(line["events"] as? [[String: Any]])
        let csv = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--format", "csv"])
        XCTAssertTrue(csv.stdout.contains(#""{""Computer"":""WS6.corp.example"""#), csv.stdout)

        // generate: true also runs the referenced rules on their own.
        _ = try dir.write("rules/mr_remote.yml", Self.correlation(id: "remote-chain", extra: "generate: true"))
        let generated = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--format", "json"])
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: generated.stdoutData) as? [[String: Any]])
        XCTAssertEqual(Set(all.compactMap { $0["rule_id"] as? String }),
                       ["remote-chain", "7a000000-0000-4000-8000-000000000001", "7a000000-0000-4000-8000-000000000002"])
        XCTAssertEqual(all.count, 1 + 1 + 2)
    }

    /// `--rule` takes a correlation's id, its `name` or its title, and a base rule's title; a
    /// name no rule has is refused.
    func testCorrelationDetect_ruleIsChosenByIdNameOrTitle() throws {
        let (dir, db) = try loaded()
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        _ = try dir.write("rules/base.yml", Self.baseRules)
        _ = try dir.write("rules/mr_remote.yml", Self.correlation(id: "remote-chain", extra: "name: remote_chain"))
        func detect(_ rule: String) throws -> HuntProcess.Result {
            try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--rule", rule, "--format", "ndjson"])
        }
        let byID = try detect("remote-chain")
        XCTAssertEqual(byID.status, 2, byID.stderr)
        XCTAssertEqual(byID.stdout.split(separator: "\n").count, 1)
        for other in ["remote_chain", "Correlation remote-chain"] {
            let named = try detect(other)
            XCTAssertEqual(named.status, 2, "\(other): \(named.stderr)")
            XCTAssertEqual(named.stdout, byID.stdout, other)
        }
        let unknown = try detect("remote_chian")
        XCTAssertNotEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("No rule \"remote_chian\""), unknown.stderr)
    }

    func testCorrelationDetect_badCorrelationsAreNamedAndTheOthersRun() throws {
        let (dir, db) = try loaded()
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        _ = try dir.write("rules/base.yml", Self.baseRules)
        _ = try dir.write("rules/good.yml", Self.correlation(id: "good-chain"))
        _ = try dir.write("rules/unknown.yml", Self.correlation(id: "bad-ref", rules: ["to_services", "no_such_rule"]))
        _ = try dir.write("rules/timespan.yml", Self.correlation(id: "bad-span", timespan: "one second"))
        _ = try dir.write("rules/field.yml", Self.correlation(id: "bad-field").replacingOccurrences(of: "- Computer", with: "- CommandLine"))
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertEqual(alerts.compactMap { $0["rule_id"] as? String }, ["good-chain"])
        let stderr = detect.stderr
        XCTAssertTrue(stderr.contains("unknown.yml (bad-ref): references the unknown rule no_such_rule"), stderr)
        XCTAssertTrue(stderr.contains("timespan.yml") && stderr.contains("malformed timespan \"one second\""), stderr)
        XCTAssertTrue(stderr.contains("field.yml (bad-field): group-by CommandLine: the rule 7a000000-0000-4000-8000-000000000001 cannot answer it"), stderr)

        let check = try HuntProcess.run(["sigma", "check", dir.path("rules"), "--format", "json"])
        XCTAssertEqual(check.status, 2)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: check.stdoutData) as? [[String: String]])
        XCTAssertEqual(rows.count, 6)
        XCTAssertEqual(rows.filter { $0["status"] == "supported" }.compactMap { $0["rule_id"] }.sorted(),
                       ["7a000000-0000-4000-8000-000000000001", "7a000000-0000-4000-8000-000000000002", "good-chain"])
    }

    func testCorrelationShowSQL_valuesAreBoundNotSpliced() throws {
        let dir = try TemporaryDirectory()
        let hostile = Self.baseRules.replacingOccurrences(of: "'\\services.exe'", with: "'x''); DROP TABLE processes; --'")
        let file = try dir.write("mr.yml", Self.correlation(id: "chain") + "\n---\n" + hostile)
        let show = try HuntProcess.run(["sigma", "show-sql", file])
        XCTAssertEqual(show.status, 0, show.stderr)
        let sql = show.stdout.components(separatedBy: "-- bindings:").first ?? ""
        XCTAssertTrue(sql.contains("WITH RECURSIVE"), show.stdout)
        XCTAssertFalse(sql.contains("DROP TABLE"), "the rule value is not in the SQL text")
        XCTAssertTrue(show.stdout.contains(":b0_s1 = 'x''); DROP TABLE processes; --'") || show.stdout.contains("DROP TABLE processes; --'"), show.stdout)
        XCTAssertTrue(show.stdout.contains(":k_span = 1000000"), show.stdout)
        XCTAssertTrue(show.stdout.contains(":k_group2 = 'instance'"), show.stdout)
    }

    func testRealPsexec_theBuiltInCorrelationGivesTheWorkstation6Alert() throws {
        guard let root = SharedDatasets.directory else { throw XCTSkip("../shared/datasets is not present") }
        let file = root.appendingPathComponent("security-datasets/empire_psexec_dcerpc_tcp_svcctl.json.gz")
        let dir = try TemporaryDirectory()
        let db = dir.path("psexec.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, file.path]).status, 0)
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--rule", "6f0c9d3e-2b7a-4c1e-9a55-3d8e1f4b7c20", "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        // As remote_service_rpc: one alert from Sysmon's events, one from the Security channel's.
        XCTAssertEqual(all.count, 2, detect.stdout)
        let sysmon = all.filter { !((($0["group"] as? [String: String])?["services_instance"] ?? "").hasPrefix("security:")) }
        XCTAssertEqual(sysmon.count, 1, detect.stdout)
        let alert = try XCTUnwrap(sysmon.first)
        XCTAssertTrue((alert["host"] as? String ?? "").uppercased().hasPrefix("WORKSTATION6"))
        let events = try XCTUnwrap(alert["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["event_kind"] as? String }, ["network", "process"])
        XCTAssertEqual(events.map { $0["time"] as? String }, ["2020-09-20T16:16:56.019Z", "2020-09-20T16:16:56.597Z"])
    }
}
