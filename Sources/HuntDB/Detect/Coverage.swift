import Model
import Store

/// Whether the events the selected rules need were loaded on one host: zero hits must mean
/// "nothing happened", not "nothing was logged".
public struct HostCoverage: Sendable, Equatable {
    public var host: String
    /// Each distinct need of the rules, with whether this host has such events.
    public var checks: [Check]
    /// Why rules cannot fire on this host, one sentence per gap (empty when covered).
    public var gaps: [String]
    /// Which context sources (logons, service installs) the host lacks, one sentence each: the
    /// rules fire, their alerts' context columns stay null.
    public var contextGaps: [String] = []

    public struct Check: Sendable, Equatable {
        public var need: RuleNeed
        public var present: Bool
    }
}

/// Computes coverage per host from what the rules declare they need.
public struct CoverageReport {
    public let store: any EventStore
    public let rules: [DetectionRule]
    /// The distinct needs of `rules`, whole kinds first, in declaration order.
    public let needs: [RuleNeed]

    public init(store: any EventStore, rules: [DetectionRule]) {
        self.store = store
        self.rules = rules
        var needs: [RuleNeed] = []
        for need in rules.flatMap(\.needs) where !needs.contains(where: { $0.event == need.event }) {
            needs.append(need)
        }
        self.needs = needs.filter(\.event.isWholeKind) + needs.filter { !$0.event.isWholeKind }
    }

    /// Hosts with any event in scope (or all hosts when the scope is open), in name order.
    /// - Throws: `StoreError`.
    public func hosts(in scope: EventScope) throws -> [HostCoverage] {
        try store.coverage(of: needs.map(\.event), in: scope).map { facts in
            let checks = zip(needs, facts.present).map { HostCoverage.Check(need: $0, present: $1) }
            let all = gaps(checks)
            return HostCoverage(host: facts.host, checks: checks, gaps: all.filter { !$0.context }.map(\.text),
                                contextGaps: all.filter(\.context).map(\.text))
        }
    }

    /// The coverage table's columns: the host, one per need, and notes.
    public var columns: [String] { ["host"] + needs.map(\.label) + ["notes"] }

    /// One host as a row of `columns`.
    public func row(_ coverage: HostCoverage) -> [RowValue] {
        [.text(coverage.host)] + coverage.checks.map { .text($0.present ? "yes" : "no") }
            + [.text(((coverage.gaps.isEmpty ? ["all rules can fire"] : coverage.gaps) + coverage.contextGaps).joined(separator: "; "))]
    }

    /// A sentence per missing need naming the rules it silences; a narrowed need is not
    /// reported when its whole kind is missing too.
    private func gaps(_ checks: [HostCoverage.Check]) -> [(text: String, context: Bool)] {
        let missingKinds = Set(checks.filter { !$0.present && $0.need.event.isWholeKind }.map(\.need.event.kind))
        return checks.compactMap { check -> (text: String, context: Bool)? in
            guard !check.present else { return nil }
            if !check.need.event.isWholeKind, missingKinds.contains(check.need.event.kind) { return nil }
            let silenced = rules.filter { rule in rule.needs.contains { needsImply($0.event, check.need.event) } }.map(\.id)
            let hint = check.need.hint.isEmpty ? "" : " (\(check.need.hint))"
            if check.need.event.isContext {
                return ("\(check.need.missingText) were loaded\(hint): the alerts of \(Self.list(silenced)) lack that context", true)
            }
            return ("\(check.need.missingText) were loaded\(hint): \(Self.list(silenced)) cannot fire", false)
        }
    }

    /// Whether a rule needing `ruleNeed` is silenced when `missing` events are absent.
    private func needsImply(_ ruleNeed: EventNeed, _ missing: EventNeed) -> Bool {
        ruleNeed == missing || (missing.isWholeKind && ruleNeed.kind == missing.kind)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
