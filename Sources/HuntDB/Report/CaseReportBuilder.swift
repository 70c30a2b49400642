import Detect
import Model
import Query
import Store

/// Gathers a `CaseReport`: what the store holds, coverage, the detection run's alerts grouped
/// into cards, and for each card the host's timeline and the children's process trees (through
/// the saved hunts `host_timeline`, `process_tree` and `process_connections`).
///
/// The store must be opened with `.analyst` access (the saved hunts run through the analyst
/// guard). More rules (Sigma, a team's folder) only mean a longer `run.rules`.
public struct CaseReportBuilder {
    public let store: any EventStore
    public let run: DetectionRun
    /// Minutes before and after a card's first alert in its timeline.
    public var timelineMinutes = 5
    /// Most cards, each with its timeline and trees; the other bursts' alerts become table rows
    /// (keeps a 10,000-alert case a few megabytes). Cards go to the most severe bursts first.
    public var detailedCards = 200
    /// Most events in one card's timeline (those nearest the alert and every highlighted one).
    public var timelineLimit = 40
    /// Most children per card whose process tree is shown.
    public var treesPerCard = 5
    /// Alerts of one rule on one host this close to the previous one share a card.
    public var burstGapMicros: Int64 = 300_000_000

    public init(store: any EventStore, run: DetectionRun) {
        self.store = store
        self.run = run
    }

    /// Builds the report.
    /// - Throws: `StoreError`, `RuleError`, `QueryError`.
    public func build(title: String? = nil, filters: [String] = []) throws -> CaseReport {
        let scope = run.options.scope
        let (coverageReport, coverage) = try run.coverage()
        var alerts: [ReportAlert] = []
        var suppressed: [String: SuppressedGroup] = [:]
        var suppressedOrder: [String] = []
        let engine = DetectionEngine(store: store, allowlist: run.allowlist)
        var summaries: [RuleRunSummary] = []
        for rule in run.rules {
            let keys = rule.alertKeys
            summaries.append(try engine.run(rule, options: run.options, onAlert: { alerts.append(ReportAlert($0, keys: keys)) },
                                            onSuppressed: { alert, entry in
                let item = ReportAlert(alert, keys: keys, suppressedBy: entry)
                let key = [item.ruleID, item.host, item["child_executable"] ?? "", item.suppressedBy ?? ""].joined(separator: "\u{0}")
                if suppressed[key] == nil {
                    suppressedOrder.append(key)
                    suppressed[key] = SuppressedGroup(ruleID: item.ruleID, host: item.host, child: item["child_executable"] ?? "",
                                                      entry: item.suppressedBy ?? "", count: 0)
                }
                suppressed[key]?.count(at: item.timeMicros)
            }))
        }
        let ruleOrder = Dictionary(run.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let bursts = AlertCard.group(alerts, gapMicros: burstGapMicros).enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let (rx, ry) = (SeverityRank.rank(x.severity), SeverityRank.rank(y.severity))
            if rx != ry { return rx < ry }
            let (ox, oy) = (ruleOrder[x.ruleID] ?? .max, ruleOrder[y.ruleID] ?? .max)
            return ox != oy ? ox < oy : a.offset < b.offset
        }.map(\.element)
        var cards = Array(bursts.prefix(detailedCards))
        let others = bursts.dropFirst(detailedCards).flatMap(\.alerts).sorted { ($0.timeMicros ?? .max) < ($1.timeMicros ?? .max) }
        let details = HuntRunner(store: store, hunts: try SavedHunt.builtIn())
        for index in cards.indices {
            try addDetails(to: &cards[index], using: details)
        }
        cards.sort { ($0.firstMicros ?? .max) < ($1.firstMicros ?? .max) }
        return CaseReport(
            title: title ?? "Case report: \(store.location)",
            generatedMicros: Clock.nowMicros(),
            filters: filters,
            location: store.location,
            summary: try stats(.summary, scope),
            hosts: try stats(.hosts, scope),
            sources: try stats(.sources, EventScope()).selecting(["path", "format", "compression", "status", "size_bytes", "read", "loaded",
                                                                  "duplicates", "not_relevant", "rejected", "incomplete", "truncated", "colliding", "message"]),
            rejects: try stats(.rejects, EventScope()),
            totals: try store.loadTotals(),
            coverageNeeds: coverageReport.needs.map(\.label),
            coverage: coverage,
            rules: run.rules,
            summaries: summaries,
            cards: cards,
            otherAlerts: others,
            suppressed: suppressedOrder.compactMap { suppressed[$0] },
            detailedCards: detailedCards,
            timelineMinutes: timelineMinutes)
    }

    private func stats(_ view: StatsView, _ scope: EventScope) throws -> ReportTable {
        let sink = ReportTableSink()
        try store.stats(view, filter: scope, into: sink)
        return sink.table
    }

    /// The host's timeline around the card's first alert, with the alert's own events kept,
    /// and the process tree and connections of its first children.
    private func addDetails(to card: inout AlertCard, using hunts: HuntRunner) throws {
        if let at = card.firstMicros {
            let timeline = try hunts.run("host_timeline", ["host": .text(card.host), "at": .integer(at),
                                                           "minutes": .integer(Int64(timelineMinutes))])
            (card.timeline, card.timelineOmitted) = TimelineCut.keep(timeline, limit: timelineLimit, at: at,
                                                                     events: AlertEvents(card))
        }
        var seen = Set<String>()
        for alert in card.alerts {
            guard card.trees.count < treesPerCard, let entity = alert["child_entity_id"], seen.insert(entity).inserted else { continue }
            let values: [String: RowValue] = ["entity_id": .text(entity), "host": .text(card.host)]
            var tree = try hunts.run("process_tree", values.merging(["max_depth": .integer(8)]) { a, _ in a })
            if let depth = tree.index(of: "depth") {
                tree.rows.removeAll { if case .integer(let d) = $0[depth] { return d < 0 } else { return false } }
            }
            card.trees.append(ChildTree(entityID: entity, processes: tree, connections: try hunts.run("process_connections", values)))
        }
    }
}

/// Runs built-in saved hunts by id into tables.
struct HuntRunner {
    let store: any EventStore
    let hunts: [SavedHunt]

    func run(_ id: String, _ values: [String: RowValue]) throws -> ReportTable {
        let hunt = try SavedHunt.find(id, in: hunts)
        let sink = ReportTableSink()
        try AnalystQuery(store: store).run(values: values, help: hunt.parameterHelp, isoTimes: false,
                                           prepare: { try hunt.prepare(on: $0) }, makeSink: { sink })
        return sink.table
    }
}
