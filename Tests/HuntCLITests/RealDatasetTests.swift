import Foundation
import XCTest

/// The real public recordings in ../shared/datasets (present in CI), checked against counts
/// computed independently of the loader.
final class RealDatasetTests: XCTestCase {
    private func dataset(_ name: String) throws -> URL {
        guard let root = SharedDatasets.directory else { throw XCTSkip("../shared/datasets is not present") }
        return root.appendingPathComponent(name)
    }

    /// Sysmon Event ID 1 and 3 records, Sysmon 13 sets of a service's ImagePath, Security 4688,
    /// 4689, 5156, 4608, 4624, 4625 and 4697 records and System 7045 records in a gzip NDJSON
    /// file, counted with gzip and JSONSerialization.
    private func independentCount(_ file: URL) throws -> Int {
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", file.path]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        var count = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let id = object["EventID"] as? Int
            let provider = object["SourceName"] as? String ?? ""
            if (id == 1 || id == 3), provider.contains("Sysmon") { count += 1 }
            if [4688, 4689, 5156, 4608, 4624, 4625, 4697].contains(id ?? 0), provider == "Microsoft-Windows-Security-Auditing" { count += 1 }
            if id == 7045, provider == "Service Control Manager" { count += 1 }
            if id == 4103, provider == "Microsoft-Windows-PowerShell" { count += 1 }  // command-line evidence (m0011)
            let target = (object["TargetObject"] as? String ?? "").lowercased().split(separator: "\\")
            if id == 13, provider.contains("Sysmon"), target.count >= 3, target[target.count - 1] == "imagepath",
               target[target.count - 3] == "services" { count += 1 }
        }
        return count
    }

    /// Rows stored per source; `context` adds the logons, service installs and command-line evidence.
    private func storedPerSource(_ db: String, context: Bool = true) throws -> [String: Int] {
        let result = try HuntProcess.run(["sql", "--db", db, "--format", "csv", "--param", "context=\(context ? 1 : 0)", """
            SELECT s.path, (SELECT count(*) FROM processes p WHERE p.source_id = s.source_id)
                         + (SELECT count(*) FROM network_connections n WHERE n.source_id = s.source_id)
                         + (SELECT count(*) FROM lifecycle_events l WHERE l.source_id = s.source_id)
                         + :context * (SELECT count(*) FROM logons g WHERE g.source_id = s.source_id)
                         + :context * (SELECT count(*) FROM service_installs v WHERE v.source_id = s.source_id)
                         + :context * (SELECT count(*) FROM command_line_evidence c WHERE c.source_id = s.source_id)
            FROM sources s
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        var counts: [String: Int] = [:]
        for line in result.stdout.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ",")
            counts[String(parts[0]), default: 0] += Int(parts[1]) ?? -1
        }
        return counts
    }

    func testSecurityDatasets_loadExactlyTheProcessAndNetworkRecordsOnce() throws {
        let folder = try dataset("security-datasets")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json.gz") }.sorted()
        XCTAssertEqual(files.count, 2)
        let dir = try TemporaryDirectory()
        let db = dir.path("real.db")
        let paths = files.map { folder.appendingPathComponent($0).path }
        let load = try HuntProcess.run(["load", "--db", db] + paths)
        XCTAssertEqual(load.status, 0, load.stderr)
        let stored = try storedPerSource(db)
        for path in paths {
            XCTAssertEqual(stored[path], try independentCount(URL(fileURLWithPath: path)), path)
        }
        let again = try HuntProcess.run(["load", "--db", db] + paths)
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("loaded 0 + duplicates \(stored.values.reduce(0, +))"), again.stderr)
    }

    func testSecurityDatasets_psexecGivesOneRemoteServiceAlertPerSourceKindAndSMBNone() throws {
        let folder = try dataset("security-datasets")
        let dir = try TemporaryDirectory()
        let psexec = dir.path("psexec.db"), smb = dir.path("smb.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", psexec, folder.appendingPathComponent("empire_psexec_dcerpc_tcp_svcctl.json.gz").path]).status, 0)
        XCTAssertEqual(try HuntProcess.run(["load", "--db", smb, folder.appendingPathComponent("empire_smbexec_dcerpc_smb_svcctl.json.gz").path]).status, 0)

        let rpc = try HuntProcess.run(["detect", "--db", psexec, "--rule", "remote_service_rpc", "--format", "json"])
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: rpc.stdoutData) as? [[String: Any]])
        // One alert per source kind: Sysmon's, and the Security channel's (SecurityRealDatasetTests).
        XCTAssertEqual(all.count, 2, rpc.stdout)
        let alerts = all.filter { !($0["services_entity_id"] as? String ?? "").hasPrefix("security:") }
        XCTAssertEqual(alerts.count, 1, rpc.stdout)
        XCTAssertTrue((alerts.first?["host"] as? String ?? "").uppercased().hasPrefix("WORKSTATION6"))
        XCTAssertTrue((alerts.first?["child_executable"] as? String ?? "").lowercased().hasSuffix(#"\cmd.exe"#))
        let delta = alerts.first?["delta_ms"] as? Int ?? -1
        XCTAssertTrue((570...590).contains(delta), "delta \(delta)")

        let none = try HuntProcess.run(["detect", "--db", smb, "--rule", "remote_service_rpc", "--format", "ndjson"])
        XCTAssertEqual(none.status, 0)
        XCTAssertEqual(none.stdout, "")
        let process = try HuntProcess.run(["detect", "--db", smb, "--rule", "rpc_service_process", "--format", "ndjson"])
        XCTAssertEqual(process.status, 2)
        XCTAssertGreaterThanOrEqual(process.stdout.split(separator: "\n").count, 1)
    }

    func testEVTXSamples_loadEveryProcessAndNetworkRecord() throws {
        let folder = try dataset("evtx-attack-samples")
        struct Expectations: Decodable {
            struct File: Decodable { var sysmonEventID1: Int; var sysmonEventID3: Int }
            var files: [String: File]
        }
        var fixtures = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { fixtures.deleteLastPathComponent() }
        let expectations = try JSONDecoder().decode(Expectations.self, from: Data(contentsOf: fixtures.appendingPathComponent("HuntDBTests/EVTX/Fixtures/evtx_expectations.json")))
        let dir = try TemporaryDirectory()
        let db = dir.path("evtx.db")
        let load = try HuntProcess.run(["load", "--db", db, folder.path])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stderr.contains("skipped 2 files in the folders that are not event logs"), load.stderr)
        let stored = try storedPerSource(db, context: false)  // the expectations count Sysmon 1 and 3
        for (name, expected) in expectations.files {
            XCTAssertEqual(stored[folder.appendingPathComponent(name).path], expected.sysmonEventID1 + expected.sysmonEventID3, name)
        }
    }
}
