import Foundation
import XCTest

/// Sigma rules on a real ClickHouse server (Debian's 18.16): every rule that compiles for
/// ClickHouse gives exactly the alerts it gives on SQLite over the same events, and every rule
/// that cannot run there is named with the reason. On the project's own rules (every modifier
/// family) over a generated corpus, and, when ../shared/sigma is there, on SigmaHQ's
/// process_creation and network_connection rules and on SigmaHQ's regression samples.
final class ClickHouseSigmaCLITests: XCTestCase {
    nonisolated(unsafe) private static var server: ClickHouseServer?
    nonisolated(unsafe) private static var directory: TemporaryDirectory?
    nonisolated(unsafe) private static var startError: Error?

    override class func setUp() {
        super.setUp()
        do {
            let ports = ClickHouseServer.randomPorts()
            server = try ClickHouseServer(httpPort: ports.http, tcpPort: ports.tcp)
            let directory = try TemporaryDirectory()
            Self.directory = directory
            try HuntProcess.run(["generate", "--events", "20k", "--hosts", "6", "--planted", "3", "--output", directory.path("corpus.ndjson")])
            try HuntProcess.run(["load", "--quiet", "--db", directory.path("case.db"), directory.path("corpus.ndjson")])
            try HuntProcess.run(["load", "--quiet", "--db", server!.url("sigma"), directory.path("corpus.ndjson")])
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        directory = nil
        super.tearDown()
    }

    func running() throws -> (server: ClickHouseServer, directory: TemporaryDirectory) {
        if let startError = Self.startError { throw startError }
        guard let server = Self.server, let directory = Self.directory else { throw XCTSkip("no ClickHouse server") }
        return (server, directory)
    }

    /// One `hunt detect --sigma …` run: its alerts as sorted JSON lines (ties may come in
    /// another order) and its stderr.
    private func detect(_ db: String, _ sigma: [String]) throws -> (alerts: [String], stderr: String) {
        let result = try HuntProcess.run(["detect", "--db", db, "--format", "ndjson", "--no-default-allowlist"] + sigma.flatMap { ["--sigma", $0] })
        XCTAssertTrue([0, 2].contains(result.status), "\(db): exit \(result.status): \(result.stderr.suffix(2000))")
        let failed = result.stderr.split(separator: "\n").filter { $0.contains("FAILED") }
        XCTAssertTrue(failed.isEmpty, "\(db): \(failed.count) rules failed: \(failed.prefix(3).joined(separator: "\n").prefix(3000))")
        return (try result.stdout.split(separator: "\n").map(Self.withoutNulls).sorted(), result.stderr)
    }

    /// An alert line with its null values left out and its keys sorted: a run that also holds a
    /// correlation adds the correlation's keys (null) to every alert of its NDJSON.
    private static func withoutNulls(_ line: Substring) throws -> String {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let kept = object.filter { !($0.value is NSNull) }
        return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The rules a run skipped, by rule id, with the reason (`sigma: skipped PATH (ID): REASON`).
    private func skipped(_ stderr: String) -> [String: String] {
        var skipped: [String: String] = [:]
        for line in stderr.split(separator: "\n") where line.hasPrefix("sigma: skipped ") {
            guard let open = line.range(of: " ("), let close = line.range(of: "): ", range: open.upperBound..<line.endIndex) else { continue }
            skipped[String(line[open.upperBound..<close.lowerBound])] = String(line[close.upperBound...])
        }
        return skipped
    }

    /// The rules skipped on ClickHouse and not on SQLite, by rule id, with the reason.
    private func skippedOnClickHouse(_ clickHouse: String, _ sqlite: String) -> [String: String] {
        skipped(clickHouse).filter { skipped(sqlite)[$0.key] == nil }
    }

    /// The same alerts, or a short account of the first difference (the lists are long).
    private func assertSameAlerts(_ clickHouse: [String], _ sqlite: [String], file: StaticString = #filePath, line: UInt = #line) {
        guard clickHouse != sqlite else { return }
        let onlySQLite = Set(sqlite).subtracting(clickHouse), onlyClickHouse = Set(clickHouse).subtracting(sqlite)
        XCTFail("""
            ClickHouse gave \(clickHouse.count) alerts, SQLite \(sqlite.count); only on SQLite: \(onlySQLite.count), e.g. \
            \(onlySQLite.sorted().first?.prefix(600) ?? "-"); only on ClickHouse: \(onlyClickHouse.count), e.g. \
            \(onlyClickHouse.sorted().first?.prefix(600) ?? "-")
            """, file: file, line: line)
    }

    /// SQLite's alerts without those of the rules ClickHouse skips.
    private func withoutRules(_ alerts: [String], _ ids: Set<String>) -> [String] {
        alerts.filter { line in !ids.contains { line.contains("\"rule_id\":\"\($0)\"") } }
    }

    /// Rules of our own covering every modifier family, with values the generated corpus holds.
    private static let ownRules: [String: String] = [
        "contains_any.yml": "sel:\n    CommandLine|contains:\n        - 'svchost'\n        - 'SERVICES'\n        - '-k '\ncondition: sel",
        "ends_starts.yml": "sel:\n    Image|endswith: '\\\\CMD.EXE'\nfilter:\n    ParentImage|startswith: 'c:\\\\windows\\\\explorer'\ncondition: sel and not filter",
        "exact_list.yml": "sel:\n    OriginalFileName:\n        - 'Cmd.Exe'\n        - 'PowerShell.EXE'\n        - 'services.exe'\ncondition: sel",
        "cased.yml": "sel:\n    Image|endswith|cased: '\\\\services.exe'\ncondition: sel",
        "wildcards.yml": "sel:\n    CommandLine: '*system32\\\\svc?ost.exe*'\ncondition: sel",
        "null_exists.yml": "sel:\n    ParentCommandLine|exists: true\n    Company: null\ncondition: sel",
        "regex.yml": "sel:\n    CommandLine|re: '(?i)-k\\s+[a-z]+$'\ncondition: sel",
        "regex_refused.yml": "sel:\n    CommandLine|re: '\\w+\\.exe'\ncondition: sel",
        "hash.yml": "sel:\n    Hashes|contains: 'SHA256='\n    md5|startswith: '0'\ncondition: sel",
        "user_keywords.yml": "sel:\n    User|contains: 'NT AUTHORITY\\\\'\nkw:\n    - 'explorer.exe'\ncondition: sel and not kw",
        "numbers.yml": "sel:\n    ProcessId|gt: 1000\n    TerminalSessionId: 0\ncondition: sel",
        "windash.yml": "sel:\n    CommandLine|windash|contains: ' -k '\ncondition: sel",
        "fieldref.yml": "sel:\n    ParentImage|fieldref: Image\ncondition: sel",
        "one_of.yml": "sel_a:\n    Image|endswith: '\\\\svchost.exe'\nsel_b:\n    Image|endswith: '\\\\cmd.exe'\ncondition: 1 of sel_*",
    ]

    private static let ownNetworkRules: [String: String] = [
        "net_ports.yml": "sel:\n    DestinationPort:\n        - 135\n        - 445\n        - 443\n    Initiated: 'false'\ncondition: sel",
        "net_cidr.yml": "sel:\n    SourceIp|cidr:\n        - '10.0.0.0/8'\n        - '192.168.0.0/16'\n    DestinationIsIpv6: 'false'\ncondition: sel",
        "net_cidr6.yml": "sel:\n    SourceIp|cidr:\n        - 'fe80::/10'\n        - '10.0.0.0/8'\n    DestinationPort: 445\ncondition: sel",
        "net_cidr6_refused.yml": "sel:\n    SourceIp|cidr: '::/0'\ncondition: sel",
    ]

    private func writeRules(_ folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, detection) in Self.ownRules.merging(Self.ownNetworkRules, uniquingKeysWith: { a, _ in a }) {
            let category = name.hasPrefix("net_") ? "network_connection" : "process_creation"
            let rule = """
                title: \(name)
                id: \(name.replacingOccurrences(of: ".yml", with: ""))
                level: medium
                logsource:
                    product: windows
                    category: \(category)
                detection:
                    \(detection.replacingOccurrences(of: "\n", with: "\n    "))
                """
            try rule.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    func testClickHouseSigma_ownRulesGiveSQLitesAlerts_andRefusalsAreNamed() throws {
        let (server, directory) = try running()
        let rules = directory.path("own-rules")
        try writeRules(rules)
        let sqlite = try detect(directory.path("case.db"), [rules, "builtin"])
        let clickHouse = try detect(server.url("sigma"), [rules, "builtin"])
        let skipped = skippedOnClickHouse(clickHouse.stderr, sqlite.stderr)
        // Only the two rules written to be refused are skipped: the built-in correlation runs on
        // ClickHouse too, and its alerts are among those compared.
        XCTAssertEqual(Set(skipped.keys), ["regex_refused", "net_cidr6_refused"], skipped.description)
        XCTAssertTrue(clickHouse.alerts.contains { $0.contains("\"correlation_type\":\"temporal_ordered\"") })
        assertSameAlerts(clickHouse.alerts, withoutRules(sqlite.alerts, Set(skipped.keys)))
        // Most families fire on the corpus, so the comparison is about real alerts.
        let firing = Set(sqlite.alerts.compactMap { line -> String? in
            guard let range = line.range(of: "\"rule_id\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        })
        XCTAssertGreaterThanOrEqual(firing.count, 10, "rules with alerts: \(firing.sorted())")
        XCTAssertGreaterThan(sqlite.alerts.count, 100)
        XCTAssertTrue(skipped["regex_refused"]?.contains("\\w") == true, skipped.description)
        XCTAssertTrue(skipped["net_cidr6_refused"]?.contains("holds ::") == true, skipped.description)
    }

    func testClickHouseSigma_sigmaHQRulesGiveSQLitesAlerts() throws {
        let (server, directory) = try running()
        guard let sigma = SharedSigma.directory else { throw XCTSkip("../shared/sigma is not present") }
        let folders = ["process_creation", "network_connection"].map { sigma.appendingPathComponent("rules/windows/" + $0).path }
        let sqlite = try detect(directory.path("case.db"), folders)
        let clickHouse = try detect(server.url("sigma"), folders)
        XCTAssertGreaterThan(sqlite.alerts.count, 50)
        let skipped = skippedOnClickHouse(clickHouse.stderr, sqlite.stderr)
        assertSameAlerts(clickHouse.alerts, withoutRules(sqlite.alerts, Set(skipped.keys)))
        // Refusals are few and each says why (\w and \b, ICU's full case folding, blocks holding ::).
        XCTAssertLessThan(skipped.count, 40, skipped.description)
        XCTAssertTrue(skipped.values.allSatisfy { !$0.isEmpty })
    }

    func testClickHouseSigma_regressionSamplesGiveSQLitesAlerts() throws {
        let (server, directory) = try running()
        guard let sigma = SharedSigma.directory else { throw XCTSkip("../shared/sigma is not present") }
        let cases = try SharedSigma.regressionCases(in: sigma)
        let rulesByID = try SharedSigma.rulesByID(in: sigma)
        let samples = directory.path("regression-samples"), rules = directory.path("regression-rules")
        try FileManager.default.createDirectory(atPath: samples, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        for (index, regression) in cases.enumerated() {
            try FileManager.default.copyItem(atPath: regression.evtx.path, toPath: samples + String(format: "/case-%03d.evtx", index))
            let rule = try XCTUnwrap(rulesByID[regression.ruleID])
            let target = rules + "/" + regression.ruleID + ".yml"
            if !FileManager.default.fileExists(atPath: target) { try FileManager.default.copyItem(atPath: rule.path, toPath: target) }
        }
        let db = directory.path("regression.db"), url = server.url("regression")
        XCTAssertEqual(try HuntProcess.run(["load", "--quiet", "--db", db, samples]).status, 0)
        let load = try HuntProcess.run(["load", "--quiet", "--db", url, samples])
        XCTAssertEqual(load.status, 0, load.stderr)
        let sqlite = try detect(db, [rules])
        let clickHouse = try detect(url, [rules])
        XCTAssertGreaterThanOrEqual(sqlite.alerts.count, cases.count / 2)
        // The alerts of the rules ClickHouse refuses (each named with the reason) are left out.
        let skipped = skippedOnClickHouse(clickHouse.stderr, sqlite.stderr)
        assertSameAlerts(clickHouse.alerts, withoutRules(sqlite.alerts, Set(skipped.keys)))
        XCTAssertLessThan(skipped.count, 5, skipped.description)
    }
}
