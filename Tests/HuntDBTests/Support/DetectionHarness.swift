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
        return (alerts, suppressed)
    }
}
