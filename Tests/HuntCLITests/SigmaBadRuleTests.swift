import Foundation
import XCTest

/// Rules hunt cannot run are named on stderr with the reason, and the others still run (issue
/// 11, "Bad input"): a malformed YAML file, an unknown modifier, an invalid regex, a condition
/// with a syntax error, a field we do not store. Exit 1 only when no rule could run.
final class SigmaBadRuleTests: XCTestCase {
    private func rule(_ id: String, _ title: String, _ detection: String) -> String {
        """
        title: \(title)
        id: \(id)
        logsource:
            category: process_creation
            product: windows
        detection:
        \(detection)
        level: high

        """
    }

    private let good = "5e1f0000-0000-4000-8000-00000000a001"

    private func folder(_ dir: TemporaryDirectory) throws -> String {
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        try dir.write("rules/good.yml", rule(good, "Whoami", """
                selection:
                    CommandLine|contains: 'whoami'
                condition: selection
            """))
        try dir.write("rules/malformed.yml", "title: Broken\ndetection: [selection\n  condition: :\n")
        try dir.write("rules/unknown_modifier.yml", rule("5e1f0000-0000-4000-8000-00000000a002", "Unknown modifier", """
                selection:
                    CommandLine|sortof: 'whoami'
                condition: selection
            """))
        try dir.write("rules/bad_regex.yml", rule("5e1f0000-0000-4000-8000-00000000a003", "Bad regex", """
                selection:
                    CommandLine|re: 'who(ami'
                condition: selection
            """))
        try dir.write("rules/bad_condition.yml", rule("5e1f0000-0000-4000-8000-00000000a004", "Bad condition", """
                selection:
                    CommandLine|contains: 'whoami'
                condition: selection and (
            """))
        try dir.write("rules/unknown_field.yml", rule("5e1f0000-0000-4000-8000-00000000a005", "Unknown field", """
                selection:
                    NoSuchSysmonField: 'whoami'
                condition: selection
            """))
        return dir.path("rules")
    }

    func testBadRules_areNamedWithTheirReason_andTheGoodOneStillRuns() throws {
        let dir = try TemporaryDirectory()
        let rules = try folder(dir)
        let events = try dir.write("events.ndjson", try SigmaFixtureEvents.ndjson())
        let db = dir.path("bad.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, events]).status, 0)

        let run = try HuntProcess.run(["detect", "--db", db, "--sigma", rules, "--format", "json"])
        XCTAssertEqual(run.status, 2, run.stderr)
        let alerts = try SigmaOutput.alerts(run)
        XCTAssertEqual(Set(alerts.map { SigmaOutput.text($0["rule_id"]) }), [good])
        XCTAssertEqual(Set(alerts.map { SigmaOutput.text($0["record_id"]) }), ["101", "102"])
        for name in ["malformed.yml", "unknown_modifier.yml", "bad_regex.yml", "bad_condition.yml", "unknown_field.yml"] {
            XCTAssertTrue(run.stderr.contains(name), "stderr does not name \(name):\n\(run.stderr)")
        }
        XCTAssertTrue(run.stderr.contains("sortof"), "the unknown modifier is not named:\n\(run.stderr)")
        XCTAssertTrue(run.stderr.contains("NoSuchSysmonField"), "the unknown field is not named:\n\(run.stderr)")

        let check = try HuntProcess.run(["sigma", "check", rules, "--format", "json"])
        let rows = try SigmaOutput.checkRows(check)
        var status: [String: String] = [:]
        for row in rows {
            status[URL(fileURLWithPath: SigmaOutput.text(row["path"])).lastPathComponent] = SigmaOutput.text(row["status"])
            XCTAssertTrue(SigmaOutput.text(row["status"]) == "supported" || !SigmaOutput.text(row["reason"]).isEmpty,
                          "an unsupported rule without a reason: \(row)")
        }
        XCTAssertEqual(status, ["good.yml": "supported", "malformed.yml": "unsupported", "unknown_modifier.yml": "unsupported",
                                "bad_regex.yml": "unsupported", "bad_condition.yml": "unsupported", "unknown_field.yml": "unsupported"])
    }

    func testNoRuleCouldRun_exitsOne() throws {
        let dir = try TemporaryDirectory()
        let events = try dir.write("events.ndjson", try SigmaFixtureEvents.ndjson())
        let db = dir.path("none.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, events]).status, 0)
        let only = try dir.write("broken.yml", "title: Broken\ndetection: [selection\n")
        let run = try HuntProcess.run(["detect", "--db", db, "--sigma", only, "--format", "json"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("broken.yml"), run.stderr)
    }
}
