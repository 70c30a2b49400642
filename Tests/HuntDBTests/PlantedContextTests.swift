import Foundation
import XCTest
import HuntDB
@testable import Store
@testable import Generate

/// The planted cases' context events (issue 17, `hunt demo`): loaded beside the corpus, every
/// planted remote-service alert says who logged on, which service was installed and which
/// process on the attacking host made the connection; the corpus itself is unchanged.
final class PlantedContextTests: XCTestCase {
    func testPlantedAlerts_carryTheirLogonServiceAndSource() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 8_000, hosts: 10, seed: 41, planted: 4, irrelevantRatio: 0.2)
        let corpus = try scratch.generate(.sysmonFlat, options: options, name: "c.json")
        let context = try scratch.write("context.json", text: PlantedContextEvents.flatNDJSON(corpus.summary, seed: options.seed))
        let (store, report) = try scratch.load([corpus.path, context])
        XCTAssertEqual(report.totals.rejected, 0)
        let rule = try XCTUnwrap(try RuleCatalog.builtIn().select(["remote_service_rpc"]).first)
        var alerts: [Alert] = []
        _ = try DetectionEngine(store: store, allowlist: try Allowlist.builtIn()).run(rule, options: DetectionOptions()) { alerts.append($0) }
        let truePositives = corpus.summary.planted(.truePositive)
        XCTAssertEqual(alerts.count, truePositives.count, "the context events add no alert")
        for planted in truePositives {
            let alert = try XCTUnwrap(alerts.first { $0.integer("network_time") == planted.networkMicros }, "planted at \(planted.networkMicros)")
            XCTAssertEqual(alert.text("logon_ip"), planted.connection.sourceIP.ecs)
            XCTAssertTrue(alert.text("logon_user")?.hasPrefix("adm-") == true, "\(alert.text("logon_user") ?? "nil")")
            XCTAssertEqual(alert.text("service_image"), planted.child.commandLine)
            XCTAssertTrue(alert.text("service_name")?.hasPrefix("Upd") == true)
            let attacker = try XCTUnwrap(corpus.summary.hosts.first { $0.ipv4 == planted.connection.sourceIP || $0.ipv6 == planted.connection.sourceIP })
            XCTAssertEqual(alert.text("source_host"), attacker.name)
            XCTAssertEqual(alert.text("source_executable"), #"C:\Windows\System32\sc.exe"#)
            XCTAssertTrue(alert.text("source_command_line")?.hasPrefix(#"sc.exe \\\#(planted.childHost.name) create Upd"#) == true,
                          alert.text("source_command_line") ?? "nil")
            XCTAssertEqual(alert.integer("clock_offset_ms"), -1)
        }
    }

    func testContextEvents_leaveTheCorpusBytesAlone() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 4_000, hosts: 8, seed: 42, planted: 3)
        let before = try scratch.generate(.sysmonFlat, options: options, name: "a.json")
        let events = PlantedContextEvents.flatNDJSON(before.summary, seed: options.seed)
        XCTAssertFalse(events.isEmpty)
        let after = try scratch.generate(.sysmonFlat, options: options, name: "b.json")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: before.path)), try Data(contentsOf: URL(fileURLWithPath: after.path)))
        // Deterministic: the same corpus gives the same context events.
        XCTAssertEqual(PlantedContextEvents.flatNDJSON(after.summary, seed: options.seed), events)
    }
}
