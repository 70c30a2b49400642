import Foundation
import XCTest
import HuntDB
@testable import Generate

/// The remote-service detection written as a Sigma correlation
/// (queries/sigma/remote_service_rpc_correlation.yml) finds exactly the children
/// `remote_service_rpc` finds (after the same known-good list) on the generated corpus, with
/// its planted cases and near misses, in two dialects.
final class SigmaCorrelationBuiltInTests: XCTestCase {
    private func correlationRule() throws -> DetectionRule {
        let set = SigmaRuleSet.builtIn(compiler: SigmaCompiler())
        XCTAssertEqual(set.unsupported.map(\.reason), [])
        let correlation = try XCTUnwrap(set.correlations.first)
        XCTAssertEqual(correlation.correlation.kind, .temporalOrdered)
        XCTAssertEqual(correlation.bases.map(\.kind), [.network, .process])
        return try correlation.detectionRule(builtIn: true)
    }

    func testBuiltInCorrelation_sameChildrenAsTheNativeRuleOnTheGeneratedCorpus() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 30_000, hosts: 12, seed: 41, planted: 6, irrelevantRatio: 0.3)
        let rule = try correlationRule()
        for dialect in [CorpusDialect.evtxJSON, .ecs] {
            let corpus = try scratch.generate(dialect, options: options, name: "c.\(dialect.rawValue)")
            XCTAssertGreaterThan(corpus.summary.plantedCases.count, 6, "true positives and near misses are planted")
            let (store, _) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            let native = try XCTUnwrap(try RuleCatalog.builtIn().select(["remote_service_rpc"]).first)
            var expected: [String] = [], expectedConnections: [String] = []
            _ = try DetectionEngine(store: store, allowlist: try Allowlist.builtIn()).run(native, options: DetectionOptions()) {
                expected.append($0.text("process_source") ?? "")
                expectedConnections.append($0.text("network_source") ?? "")
            }
            var children: [String] = [], connections: [String] = []
            _ = try DetectionEngine(store: store, allowlist: try Allowlist.builtIn()).run(rule, options: DetectionOptions()) { alert in
                guard case .json(let text) = alert["events"],
                      let events = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
                    return XCTFail("events is a JSON array")
                }
                XCTAssertEqual(events.map { $0["event_kind"] as? String }, ["network", "process"])
                connections.append(events[0]["source"] as? String ?? "")
                children.append(events[1]["source"] as? String ?? "")
            }
            let truePositives = corpus.summary.planted(.truePositive).count
            XCTAssertGreaterThanOrEqual(expected.count, truePositives, "\(dialect.rawValue): the native rule finds the planted cases")
            XCTAssertEqual(children, expected, "\(dialect.rawValue): the same children in the same order")
            XCTAssertEqual(connections, expectedConnections, "\(dialect.rawValue): paired with the same (latest) connection")
        }
    }
}
