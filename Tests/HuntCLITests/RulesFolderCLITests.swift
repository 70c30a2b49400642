import Foundation
import XCTest

/// Adding a rule is adding one file: a rule from a `--rules` folder runs, lists, shows and
/// reports coverage like a built-in one, through the real binary.
final class RulesFolderCLITests: XCTestCase {
    /// A rule the binary has never seen: children of services.exe with a given name.
    private static let childByName = """
        -- id: services_child_named
        -- name: A services.exe child with a given name
        -- severity: high
        -- attack: T1569.002
        -- description: A process started by services.exe whose executable name is :name.
        -- param: name TEXT = cmd.exe -- the child's executable name
        -- param: host TEXT = NULL -- only this host
        -- needs: process name=services.exe -- services.exe itself must be logged starting
        -- column: process_time TIME -- when the child started
        -- column: child_executable TEXT -- the child's executable
        -- column: child_pid INTEGER -- the child's process id
        -- table: severity, host, process_time, child_executable
        SELECT h.name AS host, p.ts_us AS process_time, p.executable AS child_executable, p.pid AS child_pid
        FROM processes AS p
        JOIN hosts AS h ON h.host_id = p.host_id
        WHERE p.parent_name = 'services.exe' AND p.name = :name
          AND (:host IS NULL OR h.name = :host COLLATE NOCASE)
        ORDER BY p.ts_us
        """

    private func loadedCase() throws -> (dir: TemporaryDirectory, db: String, rules: String) {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Events.lateralMovementText)])
        XCTAssertEqual(load.status, 0, load.stderr)
        let rules = dir.path("team-rules/execution")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        _ = try dir.write("team-rules/execution/services_child_named.sql", Self.childByName)
        return (dir, db, dir.path("team-rules"))
    }

    func testRulesFolder_aNewRuleFileRunsWithItsDeclaredColumns() throws {
        let (dir, db, rules) = try loadedCase()
        defer { withExtendedLifetime(dir) {} }
        let detect = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "services_child_named", "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(Set(alerts[0].keys), ["rule_id", "rule_name", "severity", "host", "process_time", "child_executable", "child_pid"])
        XCTAssertEqual(alerts[0]["severity"] as? String, "high")
        XCTAssertEqual(alerts[0]["process_time"] as? String, "2020-09-20T16:16:56.597Z")
        XCTAssertEqual(alerts[0]["child_executable"] as? String, #"C:\Windows\System32\cmd.exe"#)
        XCTAssertTrue(detect.stderr.contains("services_child_named: 1 alert"), detect.stderr)

        // Its parameter is bound from --param, typed by its declaration.
        let none = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "services_child_named",
                                        "--param", "name=powershell.exe", "--format", "json"])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(none.stdout, "[]\n")

        // The table shows the columns the rule declares for it, in its order.
        let table = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "services_child_named"])
        XCTAssertTrue(table.stdout.hasPrefix("severity  host"), table.stdout)
        XCTAssertTrue(table.stdout.split(separator: "\n").first?.hasSuffix("child_executable") ?? false, table.stdout)
    }

    func testRulesFolder_listShowAndCoverageKnowTheRule() throws {
        let (dir, db, rules) = try loadedCase()
        defer { withExtendedLifetime(dir) {} }
        let list = try HuntProcess.run(["rules", "--rules", rules, "--format", "csv"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("services_child_named,high,T1569.002"), list.stdout)
        XCTAssertTrue(list.stdout.contains("remote_service_rpc"), "built-in rules stay listed")

        let show = try HuntProcess.run(["rules", "show", "services_child_named", "--rules", rules])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("child_pid INTEGER"), show.stdout)
        XCTAssertTrue(show.stdout.contains("services_processes"), show.stdout)

        let coverage = try HuntProcess.run(["coverage", "--db", db, "--rules", rules, "--rule", "services_child_named", "--format", "csv"])
        XCTAssertEqual(coverage.status, 0, coverage.stderr)
        let lines = coverage.stdout.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.first, "host,services_processes,notes")
        // The fixture never logs services.exe itself starting: the gap names the rule and the hint.
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",no,no process start events of services.exe were loaded (services.exe itself must be logged starting): services_child_named cannot fire") }, coverage.stdout)
    }

    func testRulesFolder_aBrokenRuleIsNamedNotDropped() throws {
        let (dir, db, rules) = try loadedCase()
        _ = try dir.write("team-rules/broken.sql", """
            -- id: broken_rule
            -- column: when TIMESTAMP -- not a type we know
            SELECT 1 AS host
            """)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rules", rules])
        XCTAssertEqual(detect.status, 1, detect.stderr)
        XCTAssertTrue(detect.stderr.contains("\(rules)/broken.sql: line 2: column when has unknown type TIMESTAMP"), detect.stderr)
        XCTAssertEqual(detect.stdout, "")

        // A declared column the SQL does not return fails the run with the file's name.
        try FileManager.default.removeItem(atPath: dir.path("team-rules/broken.sql"))
        _ = try dir.write("team-rules/missing.sql", """
            -- id: missing_column
            -- column: child_pid INTEGER -- declared, never selected
            SELECT h.name AS host FROM hosts AS h
            """)
        let missing = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "missing_column"])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("\(rules)/missing.sql: the rule declares the column child_pid but its SQL does not return it"), missing.stderr)

        // Two files with one id: both named.
        _ = try dir.write("team-rules/copy.sql", Self.childByName)
        let twice = try HuntProcess.run(["rules", "--rules", rules])
        XCTAssertEqual(twice.status, 1, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("the id \"services_child_named\" is already used by \(rules)/copy.sql"), twice.stderr)
    }

    /// A rule the database fails while running is named; the other rules still run and their
    /// alerts count. Without any alert the failure is the exit status.
    func testRulesFolder_aRuleThatFailsWhileRunningIsNamedAndTheOthersRun() throws {
        let (dir, db, rules) = try loadedCase()
        _ = try dir.write("team-rules/overflows.sql", """
            -- id: overflowing_rule
            -- column: n INTEGER -- overflows when the row is computed
            SELECT h.name AS host, abs(-9223372036854775807 - h.host_id) AS n FROM hosts AS h
            """)
        let both = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "overflowing_rule",
                                        "--rule", "services_child_named", "--format", "json"])
        XCTAssertEqual(both.status, 2, both.stderr)
        XCTAssertTrue(both.stderr.contains("overflowing_rule: FAILED, the other rules ran"), both.stderr)
        XCTAssertTrue(both.stderr.contains("integer overflow"), both.stderr)
        XCTAssertTrue(both.stderr.contains("services_child_named: 1 alert"), both.stderr)
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: both.stdoutData) as? [[String: Any]])
        XCTAssertEqual(alerts.map { $0["rule_id"] as? String }, ["services_child_named"])

        let alone = try HuntProcess.run(["detect", "--db", db, "--rules", rules, "--rule", "overflowing_rule", "--format", "json"])
        XCTAssertEqual(alone.status, 1, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("1 of 1 rule failed"), alone.stderr)
        XCTAssertEqual(alone.stdout, "[]\n", "the output stays well-formed")
    }
}
