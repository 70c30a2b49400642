import Foundation
import XCTest

/// `hunt query` end to end: every saved hunt on the generated case, plus list, show and
/// --queries-dir.
final class AnalystQueryTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var db: String!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(removedAfter: self)
        db = try AnalystFixture.database(AnalystFixture.caseLines, in: directory)
    }

    /// Runs a saved hunt as NDJSON and returns its rows.
    private func run(_ id: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let result = try HuntProcess.run(["query", "run", id, "--db", db, "--format", "ndjson"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], file: file, line: line)
        }
    }

    private func strings(_ rows: [[String: Any]], _ key: String) -> [String] { rows.map { ($0[key] as? String) ?? "<null>" } }
    private func ints(_ rows: [[String: Any]], _ key: String) -> [Int] { rows.map { ($0[key] as? Int) ?? -1 } }

    func testQuery_ProcessTreeWalksBothDirections() throws {
        let rows = try run("process_tree", ["--param", "entity_id=\(AnalystFixture.guid(2))"])
        XCTAssertEqual(ints(rows, "depth"), [-2, -1, 0, 1, 2])
        XCTAssertEqual(strings(rows, "entity_id"), [90, 1, 2, 3, 4].map(AnalystFixture.entity))
        XCTAssertEqual(strings(rows, "executable"), ["<null>", AnalystFixture.explorer, AnalystFixture.cmd, AnalystFixture.powershell, AnalystFixture.whoami])
        XCTAssertEqual(rows[2]["ts_us"] as? String, AnalystFixture.iso(20))
        let shallow = try run("process_tree", ["--param", "entity_id=\(AnalystFixture.entity(2))", "--param", "max_depth=1", "--host", "ws1"])
        XCTAssertEqual(ints(shallow, "depth"), [-1, 0, 1])
    }

    func testQuery_HostTimelineAroundATime() throws {
        let rows = try run("host_timeline", ["--param", "host=WS1", "--param", "at=\(AnalystFixture.iso(100))", "--param", "minutes=1"])
        XCTAssertEqual(strings(rows, "kind"), ["process", "network", "process"])  // the window is inclusive: 40 s is in
        XCTAssertEqual(ints(rows, "offset_ms"), [-60_000, -500, 0])
        XCTAssertEqual(strings(rows, "detail"), ["whoami /all", "incoming tcp 10.0.0.5:50123 -> 10.0.0.21:49670", AnalystFixture.psexesvc])
        let wide = try run("host_timeline", ["--param", "host=ws1.corp.example", "--param", "at=\(AnalystFixture.iso(100))", "--param", "minutes=5"])
        XCTAssertEqual(wide.count, 10)
        XCTAssertEqual(strings(wide, "ts_us"), strings(wide, "ts_us").sorted())
    }

    func testQuery_ServicesChildrenPerHost() throws {
        let rows = try run("services_children")
        XCTAssertEqual(strings(rows, "host"), [AnalystFixture.ws1, AnalystFixture.ws2])
        XCTAssertEqual(strings(rows, "executable"), [AnalystFixture.psexesvc, AnalystFixture.svchost])
        XCTAssertEqual(try run("services_children", ["--host", "WS2"]).count, 1)
        XCTAssertEqual(try run("services_children", ["--since", AnalystFixture.iso(60)]).count, 1)
    }

    func testQuery_RareParentChildPairsStackAcrossTheFleet() throws {
        let rows = try run("rare_parent_child", ["--param", "max_hosts=2"])
        let pairs = rows.map { "\($0["parent_name"]!)>\($0["child_name"]!)" }
        XCTAssertEqual(pairs.suffix(2), ["explorer.exe>cmd.exe", "userinit.exe>explorer.exe"])
        XCTAssertEqual(rows.suffix(2).map { $0["hosts"] as? Int }, [2, 2])
        XCTAssertEqual(Set(pairs.dropLast(2)), ["cmd.exe>powershell.exe", "powershell.exe>whoami.exe", "services.exe>PSEXESVC.exe",
                                                "PSEXESVC.exe>evil.exe", "services.exe>svchost.exe"])
        XCTAssertTrue(rows.dropLast(2).allSatisfy { $0["hosts"] as? Int == 1 && $0["executions"] as? Int == 1 })
        let rare = try run("rare_parent_child", ["--param", "max_hosts=1"])
        XCTAssertEqual(rare.count, 5)
        XCTAssertTrue(rare.contains { $0["child_name"] as? String == "whoami.exe" && $0["host_names"] as? String == AnalystFixture.ws1 })
    }

    func testQuery_FirstSeenExecutablesInAPeriod() throws {
        let rows = try run("first_seen_executables", ["--since", AnalystFixture.iso(45), "--until", AnalystFixture.iso(300)])
        XCTAssertEqual(strings(rows, "executable"), [AnalystFixture.svchost, AnalystFixture.psexesvc, AnalystFixture.evil])
        XCTAssertEqual(strings(rows, "first_host"), [AnalystFixture.ws2, AnalystFixture.ws1, AnalystFixture.ws1])
        // cmd.exe ran on both hosts but first at 20 s: not new in the period.
        let all = try run("first_seen_executables", ["--since", AnalystFixture.baseISO])
        let cmd = try XCTUnwrap(all.first { $0["executable"] as? String == AnalystFixture.cmd })
        XCTAssertEqual(cmd["hosts"] as? Int, 2)
        XCTAssertEqual(cmd["first_ts_us"] as? String, AnalystFixture.iso(20))
    }

    func testQuery_HostsReceivingTheMostRPCOnHighPorts() throws {
        let rows = try run("rpc_high_port_inbound")
        XCTAssertEqual(strings(rows, "host"), [AnalystFixture.dc1, AnalystFixture.ws1])
        XCTAssertEqual(ints(rows, "connections"), [3, 1])  // not loopback, not port 135
        XCTAssertEqual(ints(rows, "source_ips"), [2, 1])
        XCTAssertEqual(ints(rows, "to_services"), [1, 1])
        XCTAssertEqual(try run("rpc_high_port_inbound", ["--param", "min_port=49669"]).map { $0["connections"] as? Int }, [1, 1])
    }

    func testQuery_NetworkConnectionsOfOneProcess() throws {
        let rows = try run("process_connections", ["--param", "entity_id=\(AnalystFixture.guid(12))"])
        XCTAssertEqual(ints(rows, "destination_port"), [443, 8443])
        XCTAssertEqual(strings(rows, "direction"), ["outgoing", "outgoing"])
        XCTAssertEqual(try run("process_connections", ["--param", "entity_id=\(AnalystFixture.entity(12))", "--host", "WS2"]).count, 0)
    }

    func testQuery_ListShowsEveryHuntAndShowPrintsTheSQL() throws {
        let list = try HuntProcess.run(["query", "list", "--format", "csv"])
        XCTAssertEqual(list.status, 0)
        let ids = try RFC4180.parse(list.stdout).dropFirst().map { $0[0] }
        XCTAssertEqual(ids, ["first_seen_executables", "host_timeline", "lateral_chain", "network_logons", "process_connections",
                             "process_tree", "rare_parent_child", "rpc_high_port_inbound", "services_children", "services_installed"])
        let show = try HuntProcess.run(["query", "show", "process_tree"])
        XCTAssertTrue(show.stdout.contains("--param entity_id=TEXT  default: (required)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("WITH RECURSIVE"))
        let unknown = try HuntProcess.run(["query", "show", "nope"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("there is no saved hunt \"nope\" (saved hunts: first_seen_executables,"), unknown.stderr)
    }

    func testQuery_ParameterErrorsNameTheParameter() throws {
        let missing = try HuntProcess.run(["query", "run", "process_tree", "--db", db])
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.stderr.contains("hunt query run process_tree: the query needs a value for :entity_id (the process entity id"), missing.stderr)
        let unknown = try HuntProcess.run(["query", "run", "process_tree", "--db", db, "--param", "entity_id=x", "--param", "depth=3"])
        XCTAssertTrue(unknown.stderr.contains("the query has no parameter :depth (it uses :entity_id, :host, :max_depth)"), unknown.stderr)
        let badType = try HuntProcess.run(["query", "run", "host_timeline", "--db", db, "--param", "host=WS1", "--param", "at=yesterday"])
        XCTAssertTrue(badType.stderr.contains("parameter at expects a time"), badType.stderr)
        let unusedFlag = try HuntProcess.run(["query", "run", "process_tree", "--db", db, "--param", "entity_id=x", "--since", "1d"])
        XCTAssertTrue(unusedFlag.stderr.contains("the query has no parameter :since"), unusedFlag.stderr)
        XCTAssertEqual(missing.stdout + unknown.stdout + badType.stdout + unusedFlag.stdout, "")
    }

    func testQuery_QueriesDirAddsTheTeamsHunts() throws {
        let team = directory.url.appendingPathComponent("team")
        try FileManager.default.createDirectory(at: team, withIntermediateDirectories: true)
        try """
            -- id: team_pids
            -- name: Processes with a pid
            -- description: Our own hunt.
            -- param: pid INTEGER = 4000 -- the pid
            SELECT name FROM processes WHERE pid = :pid ORDER BY ts_us LIMIT 2;
            """.write(to: team.appendingPathComponent("team_pids.sql"), atomically: true, encoding: .utf8)
        let list = try HuntProcess.run(["query", "list", "--queries-dir", team.path, "--format", "csv"])
        XCTAssertTrue(list.stdout.contains("team_pids,pid INTEGER = 4000,Processes with a pid,Our own hunt."), list.stdout)
        let rows = try run("team_pids", ["--queries-dir", team.path])
        XCTAssertEqual(strings(rows, "name"), ["explorer.exe", "explorer.exe"])

        try "-- id: writer\nDELETE FROM processes;\n".write(to: team.appendingPathComponent("writer.sql"), atomically: true, encoding: .utf8)
        let refused = try HuntProcess.run(["query", "run", "writer", "--queries-dir", team.path, "--db", db])
        XCTAssertEqual(refused.status, 6)
        XCTAssertEqual(refused.stderr, "hunt query run writer: refused: the query tries to write (DELETE). hunt query run writer is read-only.\n")

        try "-- id: process_tree\nSELECT 1;\n".write(to: team.appendingPathComponent("clash.sql"), atomically: true, encoding: .utf8)
        let clash = try HuntProcess.run(["query", "list", "--queries-dir", team.path])
        XCTAssertEqual(clash.status, 1)
        XCTAssertTrue(clash.stderr.contains("clash.sql: the id \"process_tree\" is already used by queries/hunts/process_tree.sql"), clash.stderr)
    }
}
