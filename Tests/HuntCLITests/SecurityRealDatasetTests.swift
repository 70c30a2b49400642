import Foundation
import XCTest

/// The psexec recording of ../shared/datasets holds Sysmon and the Security channel of the same
/// attack: each half alone finds the WORKSTATION6 lateral movement, and both together give one
/// alert per source kind.
final class SecurityRealDatasetTests: XCTestCase {
    private struct Halves {
        let directory: TemporaryDirectory
        let full: String, sysmon: String, security: String
    }

    /// The recording's lines, split by channel into a Sysmon half and the rest.
    private func halves() throws -> Halves {
        guard let root = SharedDatasets.directory else { throw XCTSkip("../shared/datasets is not present") }
        let full = root.appendingPathComponent("security-datasets/empire_psexec_dcerpc_tcp_svcctl.json.gz").path
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", full]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        var sysmon = "", other = ""
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if (object["Channel"] as? String ?? "").contains("Sysmon") { sysmon += line + "\n" } else { other += line + "\n" }
        }
        let dir = try TemporaryDirectory()
        return Halves(directory: dir, full: full, sysmon: try dir.write("sysmon.json", sysmon), security: try dir.write("security.json", other))
    }

    private func remoteServiceAlerts(_ input: String, in dir: TemporaryDirectory, db name: String) throws -> [[String: Any]] {
        let db = dir.path(name)
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc", "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
    }

    func testPsexec_securityHalfAloneFindsTheLateralMovement() throws {
        let h = try halves()
        let alerts = try remoteServiceAlerts(h.security, in: h.directory, db: "security.db")
        XCTAssertEqual(alerts.count, 1, "\(alerts)")
        let alert = try XCTUnwrap(alerts.first)
        XCTAssertEqual((alert["host"] as? String)?.uppercased(), "WORKSTATION6.THESHIRE.LOCAL")
        XCTAssertEqual(alert["services_pid"] as? Int, 0x2c0)
        XCTAssertEqual(alert["source_ip"] as? String, "172.18.39.5")
        XCTAssertEqual(alert["source_port"] as? Int, 56608)
        XCTAssertEqual(alert["destination_port"] as? Int, 49726)
        XCTAssertEqual(alert["child_pid"] as? Int, 0x2344)
        XCTAssertEqual(alert["child_executable"] as? String, #"C:\Windows\System32\cmd.exe"#)
        XCTAssertTrue((alert["child_command_line"] as? String ?? "").hasPrefix(#"C:\windows\system32\cmd.exe /C start /b"#))
        // services.exe started at boot, before the recording: a first-seen entity.
        XCTAssertEqual(alert["services_entity_id"] as? String, "security:workstation6.theshire.local:704:before-logs")
        // Both events carry whole seconds (NXLog's EventTime): the same second, 16:16:56 UTC.
        XCTAssertEqual(alert["delta_ms"] as? Int, 0)
        XCTAssertEqual(alert["process_time"] as? String, "2020-09-20T16:16:56.000Z")

        // Coverage: WORKSTATION6 has no Sysmon but is covered for every rule; WORKSTATION5 has
        // no services.exe connection.
        let coverage = try HuntProcess.run(["coverage", "--db", h.directory.path("security.db"), "--format", "csv"])
        XCTAssertTrue(coverage.stdout.lowercased().contains("workstation6.theshire.local,yes,yes,yes,yes,yes,all rules can fire"), coverage.stdout)
        let stats = try HuntProcess.run(["stats", "--db", h.directory.path("security.db"), "--format", "csv"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
    }

    func testPsexec_sysmonHalfIsUnchanged() throws {
        let h = try halves()
        let alerts = try remoteServiceAlerts(h.sysmon, in: h.directory, db: "sysmon.db")
        XCTAssertEqual(alerts.count, 1, "\(alerts)")
        let delta = alerts.first?["delta_ms"] as? Int ?? -1
        XCTAssertTrue((570...590).contains(delta), "delta \(delta)")
        XCTAssertFalse((alerts.first?["services_entity_id"] as? String ?? "security:").hasPrefix("security:"))
    }

    func testPsexec_wholeRecordingGivesOneAlertPerSourceKind() throws {
        let h = try halves()
        let alerts = try remoteServiceAlerts(h.full, in: h.directory, db: "full.db")
        XCTAssertEqual(alerts.count, 2, "\(alerts)")
        XCTAssertEqual(Set(alerts.map { ($0["services_entity_id"] as? String ?? "").hasPrefix("security:") }), [true, false])
        XCTAssertEqual(Set(alerts.map { $0["source_port"] as? Int ?? 0 }), [56608])
        XCTAssertEqual(Set(alerts.map { ($0["child_executable"] as? String ?? "").lowercased() }), [#"c:\windows\system32\cmd.exe"#])
        // hunt stats shows both kinds: 6 Sysmon and 7 Security process starts, 8 and 83 connections.
        let stats = try HuntProcess.run(["stats", "--db", h.directory.path("full.db"), "--format", "csv"])
        XCTAssertTrue(stats.stdout.contains("processes,13,6,7,0,"), stats.stdout)
        XCTAssertTrue(stats.stdout.contains("network_connections,91,8,83,0,"), stats.stdout)
    }
}
