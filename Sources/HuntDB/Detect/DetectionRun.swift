import Model
import Store

/// One `hunt detect`: the selected rules run in turn, their alerts stream to one sink with one
/// set of columns, and each rule's counts come back for the summary.
public struct DetectionRun {
    public let store: any EventStore
    public let rules: [DetectionRule]
    public let allowlist: Allowlist
    public let options: DetectionOptions

    /// How alerts are laid out.
    public enum Layout: Sendable {
        /// Every alert key of the rules (JSON, CSV, `--full` tables).
        case full
        /// The columns the rules declare for terminal tables.
        case table
    }

    public init(store: any EventStore, rules: [DetectionRule], allowlist: Allowlist, options: DetectionOptions) {
        self.store = store
        self.rules = rules
        self.allowlist = allowlist
        self.options = options
    }

    /// Coverage of the selected rules per host in the run's scope.
    public func coverage() throws -> (report: CoverageReport, hosts: [HostCoverage]) {
        let report = CoverageReport(store: store, rules: rules)
        return (report, try report.hosts(in: options.scope))
    }

    /// The output columns: the union of the rules' keys (or table columns), in first-seen order.
    public func columns(_ layout: Layout) -> [String] {
        var columns: [String] = []
        for rule in rules {
            for key in layout == .full ? rule.alertKeys : rule.tableColumns where !columns.contains(key) {
                columns.append(key)
            }
        }
        return columns
    }

    /// Runs every rule, writing the alerts that survive the allowlist to `sink`; `onSuppressed`
    /// hears of the others. Returns each rule's counts. A rule the store fails to run (a Sigma
    /// rule's regex the engine rejects, a query SQLite cannot plan) is reported in its summary's
    /// `failure` and the other rules still run; the alerts it wrote before failing stay written.
    /// - Throws: `StoreError` when the run cannot start, `RuleError`, or the sink's error.
    public func run(into sink: any RowSink, layout: Layout,
                    onSuppressed: (Alert, Allowlist.Entry) throws -> Void = { _, _ in }) throws -> [RuleRunSummary] {
        let keys = columns(layout)
        try sink.begin(columns: keys)
        let engine = DetectionEngine(store: store, allowlist: allowlist)
        let screen = try LiteralScreen(store: store, rules: rules, parameters: EventScopeSQL.parameters(options))
        let prefilters = try DistinctValues(store: store, rules: rules.filter { screen.decision(for: $0) == nil }, scope: options.scope)
        defer { prefilters.drop() }
        var summaries: [RuleRunSummary] = []
        for rule in rules {
            var rule = rule
            switch screen.decision(for: rule) {
            case .noMatch?:
                summaries.append(RuleRunSummary(ruleID: rule.id))
                continue
            case .candidates(let events)?:
                rule.query.sql = rule.literalPrefilter!.restrictedSQL
                rule.boundValues["hunt_candidates"] = .text(events)
            case .unrestricted?, nil:
                if try !prefilters.mayMatch(rule, engine: engine, options: options) {
                    summaries.append(RuleRunSummary(ruleID: rule.id, seconds: prefilters.lastSeconds))
                    continue
                }
            }
            do {
                summaries.append(try engine.run(rule, options: options, onAlert: { try sink.write($0.row(keys)) },
                                                onSuppressed: onSuppressed))
            } catch let error as StoreError {
                summaries.append(RuleRunSummary(ruleID: rule.id, failure: error.description))
            }
        }
        try sink.end()
        return summaries
    }
}

extension Alert {
    /// The values of the fields an allowlist entry matched on (`child_executable=C:\…`), for
    /// listing suppressed alerts.
    public func matched(by entry: Allowlist.Entry) -> String {
        entry.conditions.map { "\($0.field.column)=\(text($0.field.column) ?? "")" }.joined(separator: " ")
    }
}
