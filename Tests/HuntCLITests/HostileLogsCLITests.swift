import Foundation
import XCTest

/// Hostile and messy logs, each trick applied to the minimal alerting pair (an incoming RPC
/// connection to services.exe, then cmd.exe 578 ms later) and run through the real binary: every
/// case ends in a stored event and an alert, or a named reject and a non-zero exit.
final class HostileLogsCLITests: XCTestCase {
    private static let connection = Events.network(record: 10, time: "2020-09-20 16:16:56.019")
    private static let child = Events.process(record: 11, time: "2020-09-20 16:16:56.597",
                                              guid: "{d273d0f0-8078-5f67-cb06-000000000800}",
                                              image: #"C:\\Windows\\System32\\cmd.exe"#, commandLine: "cmd.exe /c whoami")

    /// Loads `lines` into a fresh database; returns it with the load's result.
    private func load(_ lines: [String], in dir: TemporaryDirectory, name: String = "events.json") throws -> (db: String, load: HuntProcess.Result) {
        let db = dir.path("case.db")
        let result = try HuntProcess.run(["load", "--db", db, try dir.write(name, lines.joined(separator: "\n") + "\n")])
        return (db, result)
    }

    private func alerts(_ db: String, rule: String = "remote_service_rpc") throws -> [[String: Any]] {
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", rule, "--format", "json"])
        XCTAssertTrue([0, 2].contains(detect.status), detect.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
    }

    // MARK: 8. A zone id must not make loopback look remote

    func testZoneIDs_loopbackWithAZoneIsStillLoopback() throws {
        let dir = try TemporaryDirectory()
        for (index, ip) in ["::1%1", "127.0.0.1%2", "::ffff:127.0.0.1%lo"].enumerated() {
            let sub = try TemporaryDirectory()
            let lines = [Self.connection.replacingOccurrences(of: "172.18.39.5", with: ip), Self.child]
            let (db, load) = try self.load(lines, in: sub)
            XCTAssertEqual(load.status, 0, load.stderr)
            XCTAssertEqual(try alerts(db).count, 0, "\(ip) is loopback: no remote service start")
            let stored = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "SELECT source_ip FROM network_connections"])
            XCTAssertEqual(stored.stdout, "source_ip\r\n\(["::1", "127.0.0.1", "::ffff:127.0.0.1"][index])\r\n")
        }
        // A link-local address keeps its zone (it names the interface) and still alerts.
        let (db, _) = try load([Self.connection.replacingOccurrences(of: "172.18.39.5", with: "fe80::1%12"), Self.child], in: dir)
        let found = try alerts(db)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?["source_ip"] as? String, "fe80::1%12")
    }

    // MARK: 4. Detection stays linear in a burst

    func testBurst_everyChildPairsWithItsLatestConnectionAndCountsTheWindow() throws {
        // One services.exe: 400 connections and 40 children interleaved in one second, 1 ms
        // apart; child k follows 10 connections of its own.
        var lines: [String] = []
        var record = 100
        for k in 0..<40 {
            for c in 0..<10 {
                record += 1
                let ms = k * 22 + c
                lines.append(Events.network(record: record, time: String(format: "2020-09-20 16:16:56.%03d", ms), sourcePort: 50000 + record))
            }
            record += 1
            lines.append(Events.process(record: record, time: String(format: "2020-09-20 16:16:56.%03d", k * 22 + 10),
                                        guid: String(format: "{d273d0f0-8078-5f67-cb06-%012d}", k),
                                        image: String(format: #"C:\\Windows\\burst%02d.exe"#, k), commandLine: "burst"))
        }
        let dir = try TemporaryDirectory()
        let (db, load) = try self.load(lines, in: dir)
        XCTAssertEqual(load.status, 0, load.stderr)
        let found = try alerts(db)
        XCTAssertEqual(found.count, 40, "one alert per child")
        for (k, alert) in found.enumerated() {
            // Every connection so far is in the window (all within one second), each child pairs
            // with the connection 1 ms before it: the last of its own ten.
            XCTAssertEqual(alert["connections_in_window"] as? Int, (k + 1) * 10, "child \(k)")
            XCTAssertEqual(alert["delta_ms"] as? Int, 1, "child \(k)")
            XCTAssertEqual(alert["source_port"] as? Int, 50000 + 100 + k * 11 + 10, "child \(k)")
        }
    }

    // MARK: 1. A reused record id is not a duplicate

    func testRecordIdentity_aDifferentEventUnderAStoredRecordIdIsKeptAndReported() throws {
        let dir = try TemporaryDirectory()
        // Benign events first, with the record numbers the attack pair will reuse.
        let benign = [
            Events.network(record: 10, time: "2020-09-19 08:00:00.000", sourcePort: 445),
            Events.process(record: 11, time: "2020-09-19 08:00:01.000", guid: "{d273d0f0-8078-5f67-cb06-000000000999}",
                           image: #"C:\\Windows\\System32\\svchost.exe"#, commandLine: "svchost.exe -k netsvcs"),
        ]
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("benign.json", benign.joined(separator: "\n") + "\n")]).status, 0)
        let attack = try dir.write("attack.json", [Self.connection, Self.child].joined(separator: "\n") + "\n")
        let load = try HuntProcess.run(["load", "--db", db, attack])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("read 2 = loaded 2 + duplicates 0 + not relevant 0 + rejected 0; 2 colliding"), load.stderr)
        XCTAssertTrue(load.stderr.contains("line 1 (byte 0): colliding: the host already holds another event under this record id (\(dir.path("benign.json")):1)"), load.stderr)
        XCTAssertEqual(try alerts(db).count, 1, "the lateral movement is found")

        // Loading the attack again adds nothing: same record, time and content.
        let again = try HuntProcess.run(["load", "--db", db, attack])
        XCTAssertTrue(again.stderr.contains("read 2 = loaded 0 + duplicates 2 + not relevant 0 + rejected 0"), again.stderr)

        // The check names the reuse without calling the database faulty; stats list it.
        let check = try HuntProcess.run(["check", db])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stderr.contains("note: 2 record ids of a host hold more than one event"), check.stderr)
        let stats = try HuntProcess.run(["stats", "warnings", "--db", db, "--format", "csv"])
        XCTAssertTrue(stats.stdout.contains(",colliding,2,1,"), stats.stdout)
        let sources = try HuntProcess.run(["sql", "--db", db, "--format", "csv",
                                           "SELECT records_loaded, records_colliding FROM sources ORDER BY source_id"])
        XCTAssertEqual(sources.stdout, "records_loaded,records_colliding\r\n2,0\r\n2,2\r\n0,0\r\n")
    }

    // MARK: 10. Missing fields are stored and said

    func testMissingFields_areCountedPerSourceAndNamedPerRecord() throws {
        let dir = try TemporaryDirectory()
        let noDirection = Self.connection.replacingOccurrences(of: #""Protocol":"tcp","Initiated":"false","#, with: "")
        let noUtcTime = Self.child.replacingOccurrences(of: #""UtcTime":"2020-09-20 16:16:56.597""#,
                                                        with: #""UtcTime":null,"TimeCreated":"2020-09-20T16:16:56.700Z""#)
        XCTAssertNotEqual(noDirection, Self.connection)
        XCTAssertNotEqual(noUtcTime, Self.child)
        let (db, load) = try self.load([noDirection, noUtcTime], in: dir)
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("loaded 2 + duplicates 0 + not relevant 0 + rejected 0; 2 incomplete (fields missing)"), load.stderr)
        XCTAssertTrue(load.stderr.contains("line 1 (byte 0): incomplete: missing Initiated, Protocol"), load.stderr)
        XCTAssertTrue(load.stderr.contains("line 2 (byte "), load.stderr)
        XCTAssertTrue(load.stderr.contains("incomplete: missing UtcTime (TimeCreated used)"), load.stderr)
        let sources = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "SELECT records_incomplete FROM sources"])
        XCTAssertEqual(sources.stdout, "records_incomplete\r\n2\r\n")
        XCTAssertEqual(try HuntProcess.run(["check", db]).status, 0)
    }

    // MARK: 9. Fields longer than Windows allows are cut, with a warning

    func testOversizedFields_areCutToTheWindowsLimitWithAWarning() throws {
        let dir = try TemporaryDirectory()
        let long = "cmd.exe /c " + String(repeating: "A", count: 100_000)
        let child = Self.child.replacingOccurrences(of: "cmd.exe /c whoami", with: long)
        let (db, load) = try self.load([Self.connection, child], in: dir)
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("1 truncated"), load.stderr)
        XCTAssertTrue(load.stderr.contains("truncated: cut to 32,767 characters: CommandLine (100011 characters)"), load.stderr)
        let stored = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "SELECT length(command_line) FROM processes"])
        XCTAssertEqual(stored.stdout, "length(command_line)\r\n32767\r\n")
        XCTAssertEqual(try alerts(db).count, 1, "the cut event still alerts")
    }
}
