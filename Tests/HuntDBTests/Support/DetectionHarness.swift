import XCTest
import Foundation
import HuntDB

/// Loads fixture lines into a fresh store and runs detection rules on it.
final class DetectionHarness {
    let scratch: Scratch?
    let store: SQLiteStore

    /// Runs rules on a store a test loaded itself.
    init(store: SQLiteStore) {
        scratch = nil
        self.store = store
    }

    init(_ lines: [String]) throws {
        let scratch = try Scratch()
        self.scratch = scratch
        let path = try scratch.write("events.json", lines: lines)
        let (store, report) = try scratch.load([path])
        precondition(report.totals.rejected == 0, "fixture rejected: \(report.sources.flatMap(\.firstRejects))")
        self.store = store
    }

    /// Alerts of `ruleID` that survive `allowlist` (the built-in one by default).
    func alerts(_ ruleID: String, options: DetectionOptions = DetectionOptions(), allowlist: Allowlist? = nil) throws -> [Alert] {
        try run(ruleID, options: options, allowlist: allowlist).alerts
    }

    func run(_ ruleID: String, options: DetectionOptions = DetectionOptions(), allowlist: Allowlist? = nil) throws -> (alerts: [Alert], suppressed: [(Alert, Allowlist.Entry)]) {
        let rule = try RuleCatalog.builtIn().rules.first { $0.id == ruleID }!
        let engine = DetectionEngine(store: store, allowlist: try allowlist ?? Allowlist.builtIn())
        var alerts: [Alert] = []
        var suppressed: [(Alert, Allowlist.Entry)] = []
        _ = try engine.run(rule, options: options, onAlert: { alerts.append($0) }, onSuppressed: { suppressed.append(($0, $1)) })
        // Counted only, a rule may leave out what the allowlist suppresses before reading it: the
        // same alerts and the same number suppressed, every time.
        var counting = options
        counting.listsSuppressedAlerts = false
        var counted: [Alert] = []
        let summary = try engine.run(rule, options: counting, onAlert: { counted.append($0) })
        XCTAssertEqual(counted.map { $0.row(rule.alertKeys) }, alerts.map { $0.row(rule.alertKeys) }, "\(ruleID): alerts differ when suppressed alerts are only counted")
        XCTAssertEqual(summary.suppressed, suppressed.count, "\(ruleID): suppressed count differs when suppressed alerts are only counted")
        return (alerts, suppressed)
    }
}
