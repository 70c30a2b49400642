import XCTest
import HuntDB
@testable import Generate

/// The seed's two rules as Sigma YAML (queries/sigma) give the same alerts as their SQL forms
/// on the generated corpus, and the default allowlist stays with that family.
final class SigmaBuiltInRuleTests: XCTestCase {
    private func alerts(_ rule: DetectionRule, store: any EventStore, allowlist: Allowlist) throws -> [Alert] {
        var alerts: [Alert] = []
        _ = try DetectionEngine(store: store, allowlist: allowlist).run(rule, options: DetectionOptions()) { alerts.append($0) }
        return alerts
    }

    private func sigmaRules(store: any EventStore) throws -> [String: DetectionRule] {
        let set = SigmaRuleSet.builtIn(compiler: SigmaCompiler())
        XCTAssertEqual(set.unsupported.map(\.reason), [])
        let stored = try SigmaCompileContext.storedColumns(in: store)
        var byName: [String: DetectionRule] = [:]
        for status in set.statuses where status.compiled != nil {
            let name = String(status.path.split(separator: "/").last!.dropLast(4))
            byName[name] = try status.compiled!.detectionRule(storedColumns: stored[status.compiled!.kind], builtIn: status.builtIn)
        }
        return byName
    }

    func testSigmaBuiltIn_sameAlertsAsTheSQLRulesOnTheGeneratedCorpus() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 20_000, hosts: 12, seed: 33, planted: 4, irrelevantRatio: 0.3)
        for dialect in [CorpusDialect.evtxJSON, .ecs] {
            let corpus = try scratch.generate(dialect, options: options, name: "c.\(dialect.rawValue)")
            let (store, _) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            let sigma = try sigmaRules(store: store)
            let builtIn = try Allowlist.builtIn()
            for (name, sourceColumn) in [("rpc_service_process", "process_source"), ("rpc_service_network", "network_source")] {
                let sqlRule = try XCTUnwrap(try RuleCatalog.builtIn().select([name]).first)
                let expected = try alerts(sqlRule, store: store, allowlist: builtIn).map { $0.text(sourceColumn) ?? "" }
                let found = try alerts(try XCTUnwrap(sigma[name]), store: store, allowlist: builtIn).map { $0.text("source") ?? "" }
                XCTAssertGreaterThan(expected.count, 0, "\(dialect.rawValue) \(name): the corpus has alerts to compare")
                XCTAssertEqual(found.count, expected.count, "\(dialect.rawValue) \(name)")
                XCTAssertTrue(found == expected, "\(dialect.rawValue) \(name): the same events in the same order; first difference: \(Set(found).symmetricDifference(expected).sorted().prefix(3))")
            }
        }
    }

    func testSigmaBuiltIn_theSigmaFilterAloneMatchesTheAllowlist() throws {
        // The process rule carries the known-good executables as its own filter: without any
        // allowlist it already gives what the SQL rule gives after the default allowlist.
        let scratch = try Scratch()
        let corpus = try scratch.generate(.evtxJSON, options: GenerateFixture.options(events: 20_000, hosts: 12, seed: 33, planted: 4), name: "c.json")
        let (store, _) = try scratch.load([corpus.path])
        let sqlRule = try XCTUnwrap(try RuleCatalog.builtIn().select(["rpc_service_process"]).first)
        let expected = try alerts(sqlRule, store: store, allowlist: try Allowlist.builtIn()).map { $0.text("process_source") ?? "" }
        let unfiltered = try alerts(sqlRule, store: store, allowlist: Allowlist()).count
        let found = try alerts(try XCTUnwrap(sigmaRules(store: store)["rpc_service_process"]), store: store, allowlist: Allowlist())
        XCTAssertGreaterThan(unfiltered, expected.count, "the corpus has known-good children to filter")
        let foundSources = found.map { $0.text("source") ?? "" }
        XCTAssertEqual(foundSources.count, expected.count)
        XCTAssertEqual(Set(foundSources).symmetricDifference(expected).sorted().prefix(5), [])
    }

    func testSigmaBuiltIn_theDefaultAllowlistDoesNotApplyToOtherSigmaRules() throws {
        typealias F = SysmonFixture
        // svchost.exe started by services.exe: the default allowlist knows it.
        let lines = [F.process(record: 1, ms: 0, guid: "{c0000000-0000-0000-0000-000000000001}", image: #"C:\Windows\System32\svchost.exe"#)]
        let harness = try SigmaHarness(lines)
        let yaml = SigmaHarness.rule("sel:\n    ParentImage|endswith: '\\services.exe'\ncondition: sel")
        let compiled = try XCTUnwrap(SigmaRuleSet.status(yaml: yaml, path: "user.yml", compiler: SigmaCompiler(), builtIn: false).compiled)
        let store = harness.detection.store
        let stored = try SigmaCompileContext.storedColumns(in: store)[.process]
        let userRule = try compiled.detectionRule(storedColumns: stored, builtIn: false)
        XCTAssertEqual(try alerts(userRule, store: store, allowlist: try Allowlist.builtIn()).count, 1, "a user's rule keeps its alert")
        let familyRule = try compiled.detectionRule(storedColumns: stored, builtIn: true)
        XCTAssertEqual(try alerts(familyRule, store: store, allowlist: try Allowlist.builtIn()).count, 0, "the family's rule is allowlisted")
        // A user's entry applies to every rule, and rule= names a Sigma rule by id or title.
        for entry in [#"executable="*\svchost.exe" reason="ours""#, #"executable="*" rule="Test rule" reason="by title""#,
                      #"executable="*" rule="5f0c1a3e-0000-4000-8000-000000000001" reason="by id""#] {
            let list = try Allowlist.parse(entry, origin: "ours.allowlist")
            XCTAssertEqual(try alerts(userRule, store: store, allowlist: list).count, 0, entry)
        }
        let other = try Allowlist.parse(#"executable="*" rule="another rule" reason="not this one""#, origin: "ours.allowlist")
        XCTAssertEqual(try alerts(userRule, store: store, allowlist: other).count, 1)
    }

    func testSigmaBuiltIn_alertsCarryTheSigmaKeys() throws {
        typealias F = SysmonFixture
        let lines = [F.process(record: 1, ms: 0, guid: "{c0000000-0000-0000-0000-000000000001}", image: #"C:\Temp\evil.exe"#)]
        let harness = try SigmaHarness(lines)
        let compiled = try XCTUnwrap(SigmaHarness.compile("sel:\n    Image|endswith: 'evil.exe'\ncondition: sel").compiled)
        let alert = try XCTUnwrap(try harness.run(compiled).first)
        XCTAssertEqual(alert.text("rule_id"), "5f0c1a3e-0000-4000-8000-000000000001")
        XCTAssertEqual(alert.text("rule_name"), "Test rule")
        XCTAssertEqual(alert.text("severity"), "high")
        XCTAssertEqual(alert.text("host"), "WS1.corp.example")
        XCTAssertEqual(alert.text("time"), "2026-11-01T10:00:00.000Z")
        XCTAssertEqual(alert.text("event_kind"), "process")
        XCTAssertEqual(alert.text("executable"), #"C:\Temp\evil.exe"#)
        XCTAssertEqual(alert.text("tags"), "attack.t1059.001")
        XCTAssertEqual(alert.text("status"), "test")
        XCTAssertTrue(alert.text("source")?.hasSuffix("events.json:1") ?? false)
        XCTAssertNotNil(alert.text("record_id"))
    }
}
