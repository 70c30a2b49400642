import Foundation
import XCTest

/// `hunt load`, `hunt detect`, `hunt rules` and `hunt coverage` through the real binary.
final class LoadDetectCLITests: XCTestCase {
    func testLoadThenDetect_endToEnd() throws {
        let dir = try TemporaryDirectory()
        let input = try dir.write("events.json", Events.lateralMovementText)
        let db = dir.path("case.db")

        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertEqual(load.stdout, "", "load prints nothing on stdout")
        XCTAssertTrue(load.stderr.contains("read 4 = loaded 3 + duplicates 0 + not relevant 1 + rejected 0"), load.stderr)

        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "json", "--show-suppressed"])
        XCTAssertEqual(detect.status, 2, "exit 2 means alerts were found: \(detect.stderr)")
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertEqual(alerts.count, 1)
        let alert = alerts[0]
        XCTAssertEqual(alert["rule_id"] as? String, "remote_service_rpc")
        XCTAssertEqual(alert["host"] as? String, "WS6.corp.example")
        XCTAssertEqual(alert["delta_ms"] as? Int, 578)
        XCTAssertEqual(alert["network_time"] as? String, "2020-09-20T16:16:56.019Z")
        XCTAssertEqual(alert["process_time"] as? String, "2020-09-20T16:16:56.597Z")
        XCTAssertEqual(alert["child_executable"] as? String, #"C:\Windows\System32\cmd.exe"#)
        XCTAssertEqual(alert["connections_in_window"] as? Int, 1)
        XCTAssertEqual(alert["process_source"] as? String, input + ":2")
        XCTAssertEqual(Set(alert.keys).count, 21 + 14)  // the rule's keys and the alert context's (null here)
        XCTAssertTrue(detect.stderr.contains("remote_service_rpc: 1 alert, 1 suppressed"), detect.stderr)
        XCTAssertTrue(detect.stderr.contains(#"C:\Windows\PSEXESVC.EXE — Sysinternals PsExec service"#), detect.stderr)
    }

    func testDetect_formatsAndExitStatuses() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", Events.lateralMovementText)]).status, 0)

        let csv = try HuntProcess.run(["detect", "--db", db, "--format", "csv", "--rule", "remote_service_rpc"])
        let lines = csv.stdout.split(separator: "\r\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 2, csv.stdout)
        XCTAssertTrue(lines[0].hasPrefix("rule_id,rule_name,severity,host,network_time"))
        XCTAssertFalse(csv.stdout.contains("coverage"), "stdout carries only the alerts")

        let ndjson = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson"])
        XCTAssertEqual(ndjson.stdout.split(separator: "\n").count, 3, "rpc + process + network alerts")

        let none = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--window", "100ms"])
        XCTAssertEqual(none.status, 0, "no alerts: exit 0")
        XCTAssertFalse(none.stdout.contains("remote_service_rpc"), "no alert rows")
        XCTAssertTrue(none.stderr.contains("remote_service_rpc: 0 alerts"), none.stderr)

        let output = dir.path("alerts.json")
        let toFile = try HuntProcess.run(["detect", "--db", db, "--format", "json", "--output", output])
        XCTAssertEqual(toFile.status, 2)
        XCTAssertEqual(toFile.stdout, "")
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [Any])?.count, 3)
    }

    func testDetect_badOptionsAndAllowlistsAreClearErrors() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", Events.lateralMovementText)]).status, 0)
        let badWindow = try HuntProcess.run(["detect", "--db", db, "--window", "soon"])
        XCTAssertNotEqual(badWindow.status, 0)
        XCTAssertTrue(badWindow.stderr.contains(#"--window "soon" is not a duration"#), badWindow.stderr)
        let badRule = try HuntProcess.run(["detect", "--db", db, "--rule", "nope"])
        XCTAssertTrue(badRule.stderr.contains(#"No rule "nope""#), badRule.stderr)
        let list = try dir.write("bad.allowlist", "executable=\"x.exe\"\n")
        let badList = try HuntProcess.run(["detect", "--db", db, "--allowlist", list])
        XCTAssertEqual(badList.status, 1)
        XCTAssertTrue(badList.stderr.contains("bad.allowlist: line 1: the entry has no reason"), badList.stderr)
        let noDB = try HuntProcess.run(["detect", "--db", dir.path("nothing.db")])
        XCTAssertEqual(noDB.status, 1)
        XCTAssertTrue(noDB.stderr.contains("No database at"), noDB.stderr)
    }

    func testDetect_userAllowlistAndNoDefaultAllowlist() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", Events.lateralMovementText)]).status, 0)
        let ours = try dir.write("ours.allowlist", #"source_ip="172.18.39.0/24" rule="remote_service_rpc" reason="jump host""# + "\n")
        let suppressed = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--allowlist", ours])
        XCTAssertEqual(suppressed.status, 0, suppressed.stderr)
        let raw = try HuntProcess.run(["detect", "--db", db, "--rule", "rpc_service_process", "--no-default-allowlist", "--format", "ndjson"])
        XCTAssertEqual(raw.stdout.split(separator: "\n").count, 2, "PSEXESVC is reported without the defaults")
    }

    func testCoverage_warnsByNameWhereTheRuleCannotFire() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let onlyProcesses = Events.process(record: 1, time: "2020-09-20 10:00:00.000", guid: "{00000000-0000-0000-0000-000000000001}",
                                           image: #"C:\\x.exe"#, commandLine: "x", host: "WS9.corp.example")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("e.json", Events.lateralMovementText + onlyProcesses + "\n")]).status, 0)
        let detect = try HuntProcess.run(["detect", "--db", db, "--format", "csv"])
        XCTAssertTrue(detect.stderr.contains("warning: WS9.corp.example: no network connection events"), detect.stderr)
        XCTAssertFalse(detect.stderr.contains("warning: WS6.corp.example"), detect.stderr)
        let coverage = try HuntProcess.run(["coverage", "--db", db, "--format", "csv"])
        XCTAssertEqual(coverage.status, 0)
        XCTAssertTrue(coverage.stdout.contains(#"WS6.corp.example,yes,yes,no,no,yes,"all rules can fire; no logon events"#), coverage.stdout)
        XCTAssertTrue(coverage.stdout.contains("WS9.corp.example,yes,no,no,no,no,"), coverage.stdout)
    }

    func testRules_listAndShow() throws {
        let list = try HuntProcess.run(["rules", "--format", "csv"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("remote_service_rpc,medium,\"T1021, T1569.002\",Remotely Started Services via RPC"), list.stdout)
        XCTAssertTrue(list.stdout.contains("rpc_service_network,low"))
        let show = try HuntProcess.run(["rules", "show", "remote_service_rpc"])
        XCTAssertTrue(show.stdout.contains(":window_ms INTEGER = 1000"), show.stdout)
        // The whole rule text, its SQL body included (which reads the compact tables).
        XCTAssertTrue(show.stdout.contains("FROM process_rows AS p"), show.stdout)
    }

    func testLoad_badInputExitStatusAndMessages() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        let input = try dir.write("mixed.json", Events.lateralMovement[0] + "\n{\"EventID\": 3, oops\n" + Events.lateralMovement[1] + "\n")
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 3, "some records rejected")
        XCTAssertTrue(load.stderr.contains("rejected: \(input): line 2 (byte"), load.stderr)
        XCTAssertTrue(load.stderr.contains("malformed JSON"), load.stderr)
        XCTAssertTrue(load.stderr.contains("read 3 = loaded 2 + duplicates 0 + not relevant 0 + rejected 1"), load.stderr)
        let missing = try HuntProcess.run(["load", "--db", db, dir.path("nope.json")])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("nope.json"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("No such file"), missing.stderr)
    }

    func testLoad_fromStandardInputAndTheEnvironmentDatabase() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("env.db")
        let load = try HuntProcess.run(["load", "-"], stdin: Data(Events.lateralMovementText.utf8), environment: ["HUNT_DB": db])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("loaded 3"), load.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: db))
    }
}
