import XCTest

/// `hunt demo` shows the alert context (issue 17): the planted cases' logons, service installs
/// and source processes are loaded beside the corpus, and every planted alert says who, what
/// and from where, without adding an alert or changing the single-event variants' counts.
final class DemoContextCLITests: XCTestCase {
    func testDemo_everyPlantedAlertSaysWhoWhatAndFromWhere() throws {
        let demo = try HuntProcess.run(["demo"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let out = demo.stdout
        XCTAssertTrue(out.contains("every planted case found, and none of the 27 near misses alerted"), out)
        XCTAssertTrue(out.contains("planted-context.json [ndjson:sysmon-flat]: read 84 = loaded 84 + duplicates 0 + not relevant 0 + rejected 0"), out)
        let context = out.split(separator: "\n").filter { $0.hasPrefix("  - ") }
        XCTAssertEqual(context.count, 3, out)
        for line in context {
            XCTAssertTrue(line.contains(#"who CORP\adm-"#), String(line))
            XCTAssertTrue(line.contains("what service Upd"), String(line))
            XCTAssertTrue(line.contains(#": sc.exe \\"#), String(line))
            XCTAssertFalse(line.contains("?"), "a question left unanswered: \(line)")
        }
        // The corpus is the same as before the context: the variants' counts did not move.
        XCTAssertTrue(out.contains("rpc_service_process (medium): 230 alerts, 915 suppressed by the allowlist"), out)
        XCTAssertTrue(out.contains("rpc_service_network (low): 496 alerts, 0 suppressed by the allowlist"), out)
    }
}
