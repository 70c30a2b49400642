import XCTest
import HuntDB

/// The contract of remote_service_rpc, one case kind per test.
final class RemoteServiceRuleTests: XCTestCase {
    typealias F = SysmonFixture
    private let child = "{c0000000-0000-0000-0000-000000000001}"
    private let evil = #"C:\Windows\Temp\evil.exe"#

    /// A qualifying connection at 0 ms and a child at `childMs`.
    private func sequence(childMs: Int, network: (Int) -> String = { F.network(record: 1, ms: $0) }) -> [String] {
        [network(0), F.process(record: 2, ms: childMs, guid: child, image: evil)]
    }

    private func rpc(_ lines: [String], options: DetectionOptions = DetectionOptions()) throws -> [Alert] {
        try DetectionHarness(lines).alerts("remote_service_rpc", options: options)
    }

    func testRule_hitAtExactlyTheWindow() throws {
        let alerts = try rpc(sequence(childMs: 1000))
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts[0].deltaMillis, 1000)
        XCTAssertEqual(alerts[0].childExecutable, evil)
        XCTAssertEqual(alerts[0].servicesEntityID, "b34bc01c-0001-5f63-0100-000000000400")
        XCTAssertEqual(alerts[0].childEntityID, "c0000000-0000-0000-0000-000000000001")
        XCTAssertEqual(alerts[0].connectionsInWindow, 1)
        XCTAssertEqual(alerts[0].host, "WS1.corp.example")
        XCTAssertEqual(alerts[0].sourceIP, "10.0.0.5")
        XCTAssertEqual(alerts[0].sourcePort, 50000)
        XCTAssertEqual(alerts[0].destinationPort, 49700)
        XCTAssertTrue(alerts[0].networkSource?.hasSuffix("events.json:1") ?? false)
        XCTAssertTrue(alerts[0].processSource?.hasSuffix("events.json:2") ?? false)
    }

    func testRule_missOneMillisecondPastTheWindow() throws {
        XCTAssertEqual(try rpc(sequence(childMs: 1001)).count, 0)
    }

    func testRule_missWhenTheChildStartsBeforeTheConnection() throws {
        let lines = [F.process(record: 2, ms: 0, guid: child, image: evil), F.network(record: 1, ms: 1)]
        XCTAssertEqual(try rpc(lines).count, 0)
    }

    func testRule_missWhenEitherPortIsBelowMinPort() throws {
        XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, destinationPort: 49151) }).count, 0)
        XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, sourcePort: 445) }).count, 0)
        XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, sourcePort: 49152, destinationPort: 49152) }).count, 1)
    }

    func testRule_missFromLoopbackSources() throws {
        for ip in ["127.0.0.1", "127.5.6.7", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"] {
            XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, sourceIp: ip) }).count, 0, ip)
        }
    }

    func testRule_hitFromAnIPv6Source() throws {
        let alerts = try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, sourceIp: "FD00:0:0:0:0:0:0:5") })
        XCTAssertEqual(alerts.map(\.sourceIP), ["fd00::5"])
    }

    func testRule_missForUDPAndOutgoing() throws {
        XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, transport: "udp") }).count, 0)
        XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, initiated: "true") }).count, 0)
    }

    func testRule_missWhenConnectionAndChildAreOnDifferentHosts() throws {
        let lines = [F.network(host: "WS2.corp.example", record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: evil)]
        XCTAssertEqual(try rpc(lines).count, 0)
    }

    func testRule_missForAChildOfAnotherServicesInstance() throws {
        let otherBoot = "{b34bc01c-0002-5f63-0100-000000000400}"
        let lines = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: evil, parentGuid: otherBoot)]
        XCTAssertEqual(try rpc(lines).count, 0)
    }

    func testRule_missWhenTheNetworkProcessOnlyContainsTheName() throws {
        for image in [#"C:\Tools\notservices.exe"#, #"C:\Windows\System32\services.exe.bak"#] {
            XCTAssertEqual(try rpc(sequence(childMs: 10) { F.network(record: 1, ms: $0, image: image) }).count, 0, image)
        }
        for parent in [#"C:\Tools\notservices.exe"#, #"C:\Windows\System32\services.exe.bak"#] {
            let lines = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: evil, parentImage: parent)]
            XCTAssertEqual(try rpc(lines).count, 0, parent)
            XCTAssertEqual(try DetectionHarness(lines).alerts("rpc_service_process").count, 0, parent)
        }
    }

    func testRule_nameMatchingIsCaseInsensitive() throws {
        let lines = [F.network(record: 1, ms: 0, image: #"C:\WINDOWS\system32\SERVICES.EXE"#),
                     F.process(record: 2, ms: 10, guid: child, image: evil, parentImage: #"c:\windows\system32\Services.exe"#)]
        XCTAssertEqual(try rpc(lines).count, 1)
    }

    func testRule_severalConnectionsBeforeOneChildGiveOneAlertPairedWithTheLatest() throws {
        let lines = [F.network(record: 1, ms: 0, sourcePort: 50001), F.network(record: 2, ms: 300, sourcePort: 50002),
                     F.network(record: 3, ms: 600, sourcePort: 50003), F.process(record: 4, ms: 900, guid: child, image: evil)]
        let alerts = try rpc(lines)
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts[0].sourcePort, 50003)
        XCTAssertEqual(alerts[0].deltaMillis, 300)
        XCTAssertEqual(alerts[0].connectionsInWindow, 3)
    }

    func testRule_twoChildrenAfterOneConnectionGiveTwoAlerts() throws {
        let lines = [F.network(record: 1, ms: 0),
                     F.process(record: 2, ms: 100, guid: child, image: evil),
                     F.process(record: 3, ms: 200, guid: "{c0000000-0000-0000-0000-000000000002}", image: #"C:\Windows\System32\cmd.exe"#)]
        let alerts = try rpc(lines)
        XCTAssertEqual(alerts.map(\.deltaMillis), [100, 200])
    }

    func testRule_childrenAtTheSameInstantEachCountTheirWindowOnce() throws {
        // Windows that start together, one after a gap, and overlapping ones: every connection is
        // read once and counted in each window that holds it.
        var lines = [F.network(record: 1, ms: 0), F.network(record: 2, ms: 400), F.network(record: 3, ms: 5000)]
        for (index, ms) in [500, 500, 500, 900, 5200, 5200, 6100].enumerated() {
            lines.append(F.process(record: 10 + index, ms: ms, guid: "{c0000000-0000-0000-0000-00000000010\(index)}", image: evil))
        }
        let alerts = try rpc(lines)
        XCTAssertEqual(alerts.map(\.deltaMillis), [100, 100, 100, 500, 200, 200])  // the child at 6100 ms has none
        XCTAssertEqual(alerts.map(\.connectionsInWindow), [2, 2, 2, 2, 1, 1])
    }

    func testRule_allowlistedChildrenIncludingCaseVariantsAreSuppressed() throws {
        for image in [#"C:\Windows\PSEXESVC.EXE"#, #"c:\windows\psexesvc.exe"#, #"C:\Windows\System32\svchost.exe"#,
                      #"D:\Program Files\Vendor\agent.exe"#, #"C:\Program Files (x86)\Tool\t.exe"#,
                      #"C:\Windows\servicing\TrustedInstaller.exe"#, #"C:\Windows\AdminArsenal\PDQDeployRunner-1.exe"#] {
            let lines = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: image)]
            let result = try DetectionHarness(lines).run("remote_service_rpc")
            XCTAssertEqual(result.alerts.count, 0, image)
            XCTAssertEqual(result.suppressed.count, 1, image)
        }
        // A lookalike outside the allowlisted folder is not suppressed.
        let lines = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: #"C:\Windows\Temp\PSEXESVC.EXE"#)]
        XCTAssertEqual(try rpc(lines).count, 1)
    }

    func testRule_msiexecIsSuppressedOnlyWithSlashV() throws {
        let msiexec = #"C:\Windows\System32\msiexec.exe"#
        let with = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: msiexec, commandLine: #"C:\Windows\system32\msiexec.exe /V"#)]
        let lower = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: msiexec, commandLine: #"msiexec.exe /v"#)]
        let without = [F.network(record: 1, ms: 0), F.process(record: 2, ms: 10, guid: child, image: msiexec, commandLine: #"msiexec.exe /i C:\x.msi /qn"#)]
        XCTAssertEqual(try rpc(with).count, 0)
        XCTAssertEqual(try rpc(lower).count, 0)
        XCTAssertEqual(try rpc(without).count, 1)
    }

    func testRule_windowAndMinPortOptionsChangeTheSQLResult() throws {
        let late = sequence(childMs: 1500)
        XCTAssertEqual(try rpc(late).count, 0)
        var wide = DetectionOptions()
        wide.windowMillis = 2000
        XCTAssertEqual(try rpc(late, options: wide).count, 1)

        let lowPorts = sequence(childMs: 10) { F.network(record: 1, ms: $0, sourcePort: 2000, destinationPort: 1500) }
        XCTAssertEqual(try rpc(lowPorts).count, 0)
        var low = DetectionOptions()
        low.minPort = 1024
        XCTAssertEqual(try rpc(lowPorts, options: low).count, 1)
    }

    func testRule_sinceUntilAndHostLimitTheRun() throws {
        let lines = sequence(childMs: 10) + [F.network(host: "WS2.corp.example", record: 1, ms: 0),
                                              F.process(host: "WS2.corp.example", record: 2, ms: 20, guid: child, image: evil)]
        var host = DetectionOptions()
        host.host = "ws2"  // short name, any case
        XCTAssertEqual(try rpc(lines, options: host).map(\.host), ["WS2.corp.example"])
        var since = DetectionOptions()
        since.sinceMicros = Timestamp.parseMicros(F.utc(15))
        XCTAssertEqual(try rpc(lines, options: since).map(\.deltaMillis), [20])
        var until = DetectionOptions()
        until.untilMicros = Timestamp.parseMicros(F.utc(15))
        XCTAssertEqual(try rpc(lines, options: until).map(\.deltaMillis), [10])
    }

    func testSingleEventRules_processAndNetworkVariants() throws {
        let lines = [F.network(record: 1, ms: 0), F.network(record: 2, ms: 5, sourcePort: 80),
                     F.process(record: 3, ms: 5000, guid: child, image: evil),
                     F.process(record: 4, ms: 6000, guid: "{c0000000-0000-0000-0000-000000000009}", image: #"C:\Windows\System32\svchost.exe"#)]
        let harness = try DetectionHarness(lines)
        let process = try harness.run("rpc_service_process")
        XCTAssertEqual(process.alerts.map(\.childExecutable), [evil])
        XCTAssertEqual(process.suppressed.count, 1)
        XCTAssertEqual(process.alerts[0].severity, "medium")
        let network = try harness.alerts("rpc_service_network")
        XCTAssertEqual(network.map(\.sourcePort), [50000])
        XCTAssertEqual(network[0].severity, "low")
        XCTAssertNil(network[0].childExecutable)
    }

    func testUserAllowlist_sourceCIDRHostAndAuditTrail() throws {
        let lines = sequence(childMs: 10)
        let list = try Allowlist.parse("""
            # jump hosts
            source_ip="10.0.0.0/24" reason="admin jump hosts"
            """, origin: "ours.allowlist")
        let result = try DetectionHarness(lines).run("remote_service_rpc", allowlist: list)
        XCTAssertEqual(result.alerts.count, 0)
        XCTAssertEqual(result.suppressed.map(\.1.reason), ["admin jump hosts"])
        XCTAssertEqual(result.suppressed.map(\.1.origin), ["ours.allowlist:2"])
        let hostList = try Allowlist.parse(#"host="ws?" executable="*\evil.exe" reason="lab host""#, origin: "h")
        XCTAssertEqual(try DetectionHarness(lines).run("remote_service_rpc", allowlist: hostList).alerts.count, 0)
    }

    func testAllowlist_malformedFilesAreClearErrors() {
        let cases: [(String, String)] = [
            (#"executable="x.exe""#, "line 1: the entry has no reason"),
            (#"colour="red" reason="r""#, #"line 1: unknown field "colour""#),
            (#"source_ip="10.0.0.0/99" reason="r""#, "is not an IP address or CIDR block"),
            (#"executable=x.exe reason="r""#, "must be in double quotes"),
            ("\n\nexecutable=\"x.exe reason=\"r\"\n", "line 3"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try Allowlist.parse(text, origin: "bad.allowlist")) { error in
                XCTAssertTrue("\(error)".contains(fragment) && "\(error)".hasPrefix("bad.allowlist: "), "\(error) should contain \(fragment)")
            }
        }
    }

    func testWildcardPattern_eqlSemantics() {
        XCTAssertTrue(WildcardPattern(#"?:\Windows\*.exe"#).matches(#"c:\windows\system32\x.EXE"#))
        XCTAssertFalse(WildcardPattern(#"?:\Windows\*.exe"#).matches(#"cc:\windows\x.exe"#))
        XCTAssertTrue(WildcardPattern("a*b*c").matches("aXXbYYc"))
        XCTAssertFalse(WildcardPattern("a*b*c").matches("aXXbYY"))
        XCTAssertTrue(WildcardPattern("*").matches(""))
        XCTAssertFalse(WildcardPattern("?").matches(""))
    }
}
