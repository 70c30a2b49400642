import Foundation
import XCTest

/// The real proof of the alert context (issue 17) on ../shared/datasets: the psexec and smbexec
/// recordings hold the logon, the service install and the source host's connection.
final class AlertContextRealDatasetTests: XCTestCase {
    private func recording(_ name: String) throws -> String {
        guard let root = SharedDatasets.directory else { throw XCTSkip("../shared/datasets is not present") }
        let path = root.appendingPathComponent("security-datasets/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(name) is not present") }
        return path
    }

    private func alerts(_ input: String, rule: String, in dir: TemporaryDirectory) throws -> [[String: Any]] {
        let db = dir.path("real.db")
        let load = try HuntProcess.run(["load", "--db", db, input])
        XCTAssertEqual(load.status, 0, load.stderr)
        let detect = try HuntProcess.run(["detect", "--db", db, "--rule", rule, "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
    }

    func testPsexec_workstation6AlertSaysWhoWhatAndFromWhere() throws {
        let input = try recording("empire_psexec_dcerpc_tcp_svcctl.json.gz")
        let dir = try TemporaryDirectory()
        let all = try alerts(input, rule: "remote_service_rpc", in: dir)
        // The Sysmon alert (the Security copy of the same story is the other one).
        let alert = try XCTUnwrap(all.first { ($0["delta_ms"] as? Int ?? 0) > 500 }, "\(all)")
        XCTAssertEqual((alert["host"] as? String)?.uppercased(), "WORKSTATION6.THESHIRE.LOCAL")
        // Who: pgustavo's network logon from 172.18.39.5 (Security 4624, the same TCP session).
        XCTAssertEqual(alert["logon_user"] as? String, "pgustavo")
        XCTAssertEqual(alert["logon_ip"] as? String, "172.18.39.5")
        XCTAssertEqual(alert["logon_type"] as? Int, 3)
        XCTAssertEqual(alert["logon_id"] as? String, "0x2990d17")
        // What: the service Updater, whose image path is the child's command line with %COMSPEC%.
        XCTAssertEqual(alert["service_name"] as? String, "Updater")
        let image = try XCTUnwrap(alert["service_image"] as? String)
        XCTAssertTrue(image.hasPrefix(#"%COMSPEC% /C start /b C:\Windows\System32\WindowsPowershell\v1.0\powershell -noP -sta -w 1 -enc"#), image)
        XCTAssertTrue((alert["child_command_line"] as? String ?? "").hasPrefix(#"C:\windows\system32\cmd.exe /C start /b"#))
        // From where: WORKSTATION5's PowerShell, whose clock is 2.8 s ahead.
        XCTAssertEqual((alert["source_host"] as? String)?.uppercased(), "WORKSTATION5.THESHIRE.LOCAL")
        XCTAssertEqual(alert["source_entity_id"] as? String, "b34bc01c-7dfc-5f67-de11-000000000400")
        XCTAssertEqual(alert["source_executable"] as? String, #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#)
        let offset = try XCTUnwrap(alert["clock_offset_ms"] as? Int)
        XCTAssertTrue((2_700...2_900).contains(offset), "offset \(offset)")
        // The recording holds no start of that PowerShell (it started before the recording): its
        // command line comes from PowerShell 4103's ContextInfo "Host Application", logged by
        // pid 6404 (System/Execution), the pid WORKSTATION5's Security 5156 gives the connection.
        let command = try XCTUnwrap(alert["source_command_line"] as? String, "\(alert)")
        XCTAssertTrue(command.hasPrefix(#"C:\windows\System32\WindowsPowerShell\v1.0\powershell.exe -noP -sta -w 1 -enc SQBmACgAJABQAFMAVgBlAHIAcwBJAG8AbgBUAGEAQgBsAEUA"#), command)
        // The existing keys are all there, unchanged in meaning.
        XCTAssertEqual(alert["source_port"] as? Int, 56608)
        XCTAssertEqual(alert["destination_port"] as? Int, 49726)
    }

    /// The Sigma forms (`--sigma builtin`) answer the same three questions on psexec.
    func testPsexec_sigmaFormsCarryTheSameContext() throws {
        let input = try recording("empire_psexec_dcerpc_tcp_svcctl.json.gz")
        let dir = try TemporaryDirectory()
        let db = dir.path("real.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, input]).status, 0)
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--format", "json"])
        XCTAssertEqual(detect.status, 2, detect.stderr)
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        let network = try XCTUnwrap(all.first { $0["rule_id"] as? String == "71ce7516-4fe3-4497-b85c-9212ec62da15" && $0["source_port"] as? Int == 56608 },
                                    "\(all.map { $0["rule_id"] ?? "" })")
        XCTAssertEqual(network["logon_user"] as? String, "pgustavo")
        XCTAssertEqual(network["logon_id"] as? String, "0x2990d17")
        XCTAssertEqual((network["source_host"] as? String)?.uppercased(), "WORKSTATION5.THESHIRE.LOCAL")
        XCTAssertTrue((network["source_command_line"] as? String ?? "").hasPrefix(#"C:\windows\System32\WindowsPowerShell\v1.0\powershell.exe -noP -sta -w 1 -enc"#),
                      "\(network)")
        let process = try XCTUnwrap(all.first { $0["rule_id"] as? String == "3f46963a-73b4-4844-a243-d673157d218a" && $0["service_name"] as? String == "Updater" },
                                    "no Sigma process alert with the service Updater")
        XCTAssertEqual(process["logon_user"] as? String, "pgustavo")
        XCTAssertTrue((process["service_image"] as? String ?? "").hasPrefix("%COMSPEC% /C start /b"))
        // The child's own logon session (SYSTEM's, as services run) is kept beside it.
        XCTAssertEqual(process["process_logon_id"] as? String, "0x3e7")
    }

    func testSmbexec_rpcServiceProcessAlertHasTheLogonServiceAndSource() throws {
        let input = try recording("empire_smbexec_dcerpc_smb_svcctl.json.gz")
        let dir = try TemporaryDirectory()
        let all = try alerts(input, rule: "rpc_service_process", in: dir)
        let alert = try XCTUnwrap(all.first { ($0["process_time"] as? String ?? "").hasPrefix("2020-09-20T06:57:47.785") }, "\(all)")
        // No connection to services.exe (SMB): the logon is the network logon before the child,
        // its address and port lead to the source connection to port 445.
        XCTAssertEqual(alert["logon_user"] as? String, "pgustavo")
        XCTAssertEqual(alert["logon_ip"] as? String, "172.18.39.5")
        XCTAssertEqual(alert["service_name"] as? String, "PGUJLOAKFQFVOMHGFQPX")
        XCTAssertTrue((alert["service_image"] as? String ?? "").hasPrefix(#"%COMSPEC% /C "%COMSPEC% /C start /b"#))
        XCTAssertEqual((alert["source_host"] as? String)?.uppercased(), "WORKSTATION5.THESHIRE.LOCAL")
        XCTAssertEqual(alert["source_executable"] as? String, #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#)
        XCTAssertNotNil(alert["clock_offset_ms"] as? Int)
    }

    func testPsexec_huntsAnswerTheQuestionsToo() throws {
        let input = try recording("empire_psexec_dcerpc_tcp_svcctl.json.gz")
        let dir = try TemporaryDirectory()
        let db = dir.path("real.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, input]).status, 0)
        let logons = try HuntProcess.run(["query", "run", "network_logons", "--db", db, "--param", "source_ip=172.18.39.5", "--format", "csv"])
        XCTAssertEqual(logons.status, 0, logons.stderr)
        XCTAssertTrue(logons.stdout.contains("THESHIRE.LOCAL\\pgustavo,0x2990d17,172.18.39.5,56608"), logons.stdout)
        let services = try HuntProcess.run(["query", "run", "services_installed", "--db", db, "--param", "name=updater", "--format", "csv"])
        XCTAssertEqual(services.status, 0, services.stderr)
        XCTAssertEqual(services.stdout.split(whereSeparator: \.isNewline).count, 4, services.stdout)  // header + 7045, 4697, Sysmon 13
        let chain = try HuntProcess.run(["query", "run", "lateral_chain", "--db", db, "--format", "csv"])
        XCTAssertEqual(chain.status, 0, chain.stderr)
        XCTAssertTrue(chain.stdout.uppercased().contains("WORKSTATION5.THESHIRE.LOCAL"), chain.stdout)
        XCTAssertTrue(chain.stdout.uppercased().contains("WORKSTATION6.THESHIRE.LOCAL"), chain.stdout)
    }
}
