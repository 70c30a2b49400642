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
}
