import Foundation
import XCTest

/// `hunt detect --sigma`, `hunt sigma check` and `hunt sigma show-sql` through the real binary.
final class SigmaCLITests: XCTestCase {
    static let cmdRule = """
        title: Cmd Started By Services
        id: 0d6b5a3c-1111-4a2b-8c3d-000000000001
        status: test
        level: high
        tags:
            - attack.execution
            - attack.t1059.003
        logsource:
            category: process_creation
            product: windows
        detection:
            selection:
                ParentImage|endswith: '\\services.exe'
                Image|endswith: '\\cmd.exe'
            condition: selection
        """

    static let lowRule = cmdRule.replacingOccurrences(of: "8c3d-000000000001", with: "8c3d-000000000002")
        .replacingOccurrences(of: "level: high", with: "level: low").replacingOccurrences(of: "Cmd Started", with: "Low Cmd Started")

    static let unsupportedRules: [(String, String)] = [
        ("file.yml", "title: File\nlogsource:\n    category: file_event\n    product: windows\ndetection:\n    s:\n        TargetFilename: x\n    condition: s\n"),
        ("broken.yml", "title: Broken\ndetection:\n  s: [unclosed\n"),
        ("modifier.yml", cmdRule.replacingOccurrences(of: "8c3d-000000000001", with: "8c3d-000000000003").replacingOccurrences(of: "Image|endswith", with: "Image|sounds_like")),
    ]

    private func loaded() throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Events.lateralMovementText)])
        XCTAssertEqual(load.status, 0, load.stderr)
        return (dir, db)
    }

    func testSigmaDetect_jsonAlertsAndExitStatus() throws {
        let (dir, db) = try loaded()
        let rules = dir.path("rules")
        try FileManager.default.createDirectory(atPath: rules + "/nested", withIntermediateDirectories: true)
        try dir.write("rules/nested/cmd.yml", Self.cmdRule)
        for (name, text) in Self.unsupportedRules { try dir.write("rules/\(name)", text) }

        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", rules, "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertEqual(alerts.count, 1)
        let alert = alerts[0]
        XCTAssertEqual(alert["rule_id"] as? String, "0d6b5a3c-1111-4a2b-8c3d-000000000001")
        XCTAssertEqual(alert["rule_name"] as? String, "Cmd Started By Services")
        XCTAssertEqual(alert["severity"] as? String, "high")
        XCTAssertEqual(alert["host"] as? String, "WS6.corp.example")
        XCTAssertEqual(alert["time"] as? String, "2020-09-20T16:16:56.597Z")
        XCTAssertEqual(alert["event_kind"] as? String, "process")
        XCTAssertEqual(alert["record_id"] as? String, "11")
        XCTAssertEqual(alert["source"] as? String, dir.path("events.json") + ":2")
        XCTAssertEqual(alert["executable"] as? String, #"C:\Windows\System32\cmd.exe"#)
        XCTAssertEqual(alert["tags"] as? String, "attack.execution, attack.t1059.003")
        XCTAssertEqual(alert["status"] as? String, "test")
        // Nothing silently dropped: the count and every skipped rule with its reason.
        XCTAssertTrue(detect.stderr.contains("sigma: 1 of 4 Sigma rules will run, 3 skipped"), detect.stderr)
        XCTAssertTrue(detect.stderr.contains("file.yml: logsource category file_event"), detect.stderr)
        XCTAssertTrue(detect.stderr.contains("broken.yml: is not valid YAML"), detect.stderr)
        XCTAssertTrue(detect.stderr.contains("modifier.yml (0d6b5a3c-1111-4a2b-8c3d-000000000003): unknown modifier |sounds_like"), detect.stderr)
    }

    func testSigmaDetect_minLevelRuleSelectionAndNoAlerts() throws {
        let (dir, db) = try loaded()
        let high = try dir.write("high.yml", Self.cmdRule)
        let low = try dir.write("low.yml", Self.lowRule)
        let both = try HuntProcess.run(["detect", "--db", db, "--sigma", high, "--sigma", low, "--format", "ndjson"])
        XCTAssertEqual(both.status, 2, both.stderr)
        XCTAssertEqual(both.stdout.split(separator: "\n").count, 2)
        let onlyHigh = try HuntProcess.run(["detect", "--db", db, "--sigma", high, "--sigma", low, "--min-level", "medium", "--format", "ndjson"])
        XCTAssertEqual(onlyHigh.stdout.split(separator: "\n").count, 1, onlyHigh.stderr)
        let chosen = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.url.path, "--rule", "0d6b5a3c-1111-4a2b-8c3d-000000000002",
                                          "--format", "csv"])
        XCTAssertEqual(chosen.status, 2, chosen.stderr)
        XCTAssertTrue(chosen.stdout.contains("Low Cmd Started By Services"))
        XCTAssertFalse(chosen.stdout.contains("0d6b5a3c-1111-4a2b-8c3d-000000000001"))
        // An allowlist entry names the rule by title; then there is nothing to report: exit 0.
        let allow = try dir.write("ours.allowlist", #"executable="*" rule="Cmd Started By Services" reason="lab hosts""# + "\n")
        let quiet = try HuntProcess.run(["detect", "--db", db, "--sigma", high, "--allowlist", allow])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertTrue(quiet.stderr.contains("0 alerts, 1 suppressed"), quiet.stderr)
    }

    func testSigmaDetect_exitOneOnlyWhenNoRuleCouldRun() throws {
        let (dir, db) = try loaded()
        let bad = try dir.write("broken.yml", Self.unsupportedRules[1].1)
        let none = try HuntProcess.run(["detect", "--db", db, "--sigma", bad])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("broken.yml: is not valid YAML"), none.stderr)
        XCTAssertTrue(none.stderr.contains("no Sigma rule could run"), none.stderr)
        let missing = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("nowhere")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nowhere: does not exist"), missing.stderr)
    }

    func testSigmaDetect_builtInRulesWithTheDefaultAllowlist() throws {
        let (dir, db) = try loaded()
        let detect = try withExtendedLifetime(dir) { try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--format", "json"]) }
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        // cmd.exe (PSEXESVC.EXE is known-good), and the incoming high-port connection.
        // The correlation form pairs the connection with the cmd.exe child.
        XCTAssertEqual(alerts.compactMap { $0["rule_name"] as? String }.sorted(),
                       ["Remotely Started Services via RPC - Correlation", "Remotely Started Services via RPC - Network Connection",
                        "Remotely Started Services via RPC - Process Creation"])
        XCTAssertTrue(detect.stderr.contains("sigma: 3 of 5 Sigma rules will run, 0 skipped, 2 only inside correlations"), detect.stderr)
    }

    func testSigmaCheck_rowsPerRuleAndExitStatus() throws {
        let dir = try TemporaryDirectory()
        try dir.write("cmd.yml", Self.cmdRule)
        for (name, text) in Self.unsupportedRules { try dir.write(name, text) }
        let check = try HuntProcess.run(["sigma", "check", dir.url.path, "--format", "json"])
        XCTAssertEqual(check.status, 2, "some rules are unsupported: \(check.stderr)")
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: check.stdoutData) as? [[String: String]])
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(Set(rows[0].keys), ["path", "rule_id", "title", "status", "reason"])
        let byFile = Dictionary(uniqueKeysWithValues: rows.map { (($0["path"]! as NSString).lastPathComponent, $0) })
        XCTAssertEqual(byFile["cmd.yml"]?["status"], "supported")
        XCTAssertEqual(byFile["cmd.yml"]?["reason"], "")
        XCTAssertEqual(byFile["file.yml"]?["status"], "unsupported")
        XCTAssertEqual(byFile["modifier.yml"]?["reason"], "unknown modifier |sounds_like")
        XCTAssertTrue(check.stderr.contains("1 of 4 rules supported"), check.stderr)
        let one = try HuntProcess.run(["sigma", "check", dir.path("cmd.yml")])
        XCTAssertEqual(one.status, 0, one.stderr)
    }

    func testSigmaShowSQL_printsBoundValuesNotSplicedOnes() throws {
        let dir = try TemporaryDirectory()
        let rule = try dir.write("cmd.yml", Self.cmdRule.replacingOccurrences(of: "'\\cmd.exe'", with: "\"\\\\cmd.exe' OR 1=1 --\""))
        let show = try HuntProcess.run(["sigma", "show-sql", rule])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("FROM processes AS e"), show.stdout)
        XCTAssertTrue(show.stdout.contains("e.parent_executable LIKE :s1 ESCAPE"), show.stdout)
        XCTAssertTrue(show.stdout.contains(#"--   :s2 = '%\\cmd.exe'' OR 1=1 --'"#), show.stdout)
        let sqlLines = show.stdout.split(separator: "\n").filter { !$0.hasPrefix("--") }
        XCTAssertFalse(sqlLines.contains { $0.contains("OR 1=1") })
    }
}
