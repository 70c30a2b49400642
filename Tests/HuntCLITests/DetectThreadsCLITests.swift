import Foundation
import XCTest

/// `hunt detect --threads`: rules run on several connections at once, and the output is the
/// same, byte for byte and in the same order, as on one.
final class DetectThreadsCLITests: XCTestCase {
    /// Process-creation rules on the generated corpus's executables: many alert, some never do,
    /// one is only a negation (it runs without the screen), one is a regex.
    private static func rules() -> [(String, String)] {
        let executables = ["chrome.exe", "sc.exe", "conhost.exe", "msedge.exe", "cmd.exe", "powershell.exe", "WINWORD.EXE",
                           "MpCmdRun.exe", "EXCEL.EXE", "taskhostw.exe", "WmiPrvSE.exe", "svchost.exe", "dllhost.exe",
                           "notepad.exe", "OUTLOOK.EXE", "no-such-tool.exe", "mimikatz.exe", "rubeus.exe", "net.exe", "PING.EXE"]
        var rules = executables.enumerated().map { index, executable in
            ("r\(index).yml", rule(index, "Image|endswith: '\\\\\(executable)'"))
        }
        rules.append(("negation.yml", rule(90, "Image|endswith: '.exe'\n    filter:\n        Image|contains: 'System32'", condition: "selection and not filter")))
        rules.append(("regex.yml", rule(91, "CommandLine|re: '(?i)-enc(odedcommand)? '")))
        return rules
    }

    private static func rule(_ number: Int, _ selection: String, condition: String = "selection") -> String {
        """
        title: Thread test \(number)
        id: 5e1f0000-0000-4000-8000-\(String(format: "%012d", number))
        level: medium
        logsource:
            category: process_creation
            product: windows
        detection:
            selection:
                \(selection)
            condition: \(condition)
        """
    }

    func testThreads_giveTheSameAlertsInTheSameOrderAsOne() throws {
        let dir = try TemporaryDirectory()
        let db = try GeneratedStore.make(in: dir, hosts: 6)
        try FileManager.default.createDirectory(atPath: dir.path("rules"), withIntermediateDirectories: true)
        for (name, text) in Self.rules() { try dir.write("rules/\(name)", text) }

        func detect(_ threads: String, kept: String = "1000") throws -> (stdout: String, summaries: [String]) {
            let run = try HuntProcess.run(["detect", "--db", db, "--sigma", dir.path("rules"), "--threads", threads,
                                           "--kept-alerts", kept, "--format", "ndjson"])
            XCTAssertEqual(run.status, 2, run.stderr)
            // Per-rule lines without their times.
            let summaries = run.stderr.split(separator: "\n").filter { $0.contains(" suppressed by the allowlist") }
                .map { String($0.prefix { $0 != "(" }) }
            return (run.stdout, summaries)
        }
        let one = try detect("1")
        let alerts = one.stdout.split(separator: "\n")
        let alerting = Set(alerts.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["rule_id"] as? String
        })
        XCTAssertGreaterThan(alerts.count, 3000, "the rules alert a lot on the corpus")
        XCTAssertGreaterThan(alerting.count, 12, "most rules alert")
        XCTAssertLessThan(alerting.count, Self.rules().count, "some never do")
        XCTAssertEqual(one.summaries.count, Self.rules().count)
        // A rule that keeps more than --kept-alerts waits to head the output, then streams.
        for (threads, kept) in [("2", "1000"), ("4", "1000"), ("2", "7"), ("4", "1")] {
            let many = try detect(threads, kept: kept)
            XCTAssertEqual(many.stdout, one.stdout, "--threads \(threads) --kept-alerts \(kept): the same alerts in the same order")
            XCTAssertEqual(many.summaries, one.summaries, "--threads \(threads) --kept-alerts \(kept): the same summaries in the same order")
        }
    }

    func testThreads_outOfRangeIsAnError() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Events.lateralMovementText)]).status, 0)
        let zero = try HuntProcess.run(["detect", "--db", db, "--threads", "0"])
        XCTAssertEqual(zero.status, 64, zero.stderr)
        XCTAssertTrue(zero.stderr.contains("--threads must be between 1 and 64"), zero.stderr)
    }
}
