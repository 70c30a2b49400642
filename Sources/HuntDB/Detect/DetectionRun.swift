import Model
import Store

/// One `hunt detect`: the selected rules run in turn, their alerts stream to one sink with one
/// set of columns, and each rule's counts come back for the summary.
public struct DetectionRun {
    public let store: any EventStore
    public let rules: [DetectionRule]
    public let allowlist: Allowlist
    public var options: DetectionOptions

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
    /// With `options.threads` above 1 and a store that opens more readers, rules run on that
    /// many connections at once; the output is the same, in the same order.
    /// - Throws: `StoreError` when the run cannot start, `RuleError`, or the sink's error.
    public func run(into sink: any RowSink, layout: Layout,
                    onSuppressed: @escaping (Alert, Allowlist.Entry) throws -> Void = { _, _ in }) throws -> [RuleRunSummary] {
        let keys = columns(layout)
        try sink.begin(columns: keys)
        var engine = DetectionEngine(store: store, allowlist: allowlist)
        // The screen and the distinct-values prefilters speak SQLite; on another store each rule
        // runs its own text (or is named as having none).
        let sqlite = store.dialect == .sqlite
        // More connections than rules would only wait.
        var readers: [any EventStore] = []
        while readers.count + 1 < min(options.threads, rules.count), let reader = try store.openParallelReader() {
            readers.append(reader)
        }
        let screen = try LiteralScreen(store: store, helper: readers.first, rules: sqlite ? rules : [],
                                       parameters: EventScopeSQL.parameters(options))
        let prefilters = try DistinctValues(store: store, rules: sqlite ? rules.filter { !screen.screened($0) } : [],
                                            scope: options.scope)
        defer { prefilters.drop() }
        // One split rule alone runs in parts by host, one connection per thread (each part
        // uses its own; this thread merges them and looks up the alerts' context).
        if rules.count == 1, rules[0].split != nil, sqlite, options.threads > 1 {
            while engine.partStores.count < options.threads, let part = try store.openParallelReader() {
                engine.partStores.append(part)
            }
        }
        let ordered = OrderedRuleRun(keys: keys, sink: sink, options: options, onSuppressed: onSuppressed)
        for reader in readers { ordered.startHelper(DetectionEngine(store: reader, allowlist: allowlist)) }
        do {
            // This thread decides which rules run (the prefilters' tables are on its connection)
            // while the helpers start on them, then runs rules too.
            for (position, rule) in rules.enumerated() {
                switch try prepare(rule, screen: screen, prefilters: prefilters, engine: engine) {
                case .run(let prepared): ordered.enqueue(position, prepared)
                case .cannotMatch(let seconds): try ordered.decided(position, RuleRunSummary(ruleID: rule.id, seconds: seconds))
                }
            }
        } catch {
            ordered.fail(error)
        }
        ordered.finishDispatch()
        ordered.work(engine)
        let summaries = try ordered.summaries()
        try sink.end()
        return summaries
    }

    private enum Preparation {
        /// The rule as it runs (limited to the screen's candidates).
        case run(DetectionRule)
        /// The rule cannot match; deciding that took this long.
        case cannotMatch(seconds: Double)
    }

    private func prepare(_ rule: DetectionRule, screen: LiteralScreen, prefilters: DistinctValues,
                         engine: DetectionEngine) throws -> Preparation {
        var rule = rule
        switch screen.takeDecision(for: rule) {
        case .noMatch?:
            return .cannotMatch(seconds: 0)
        case .candidates(let events)?:
            rule.query.sql = rule.literalPrefilter!.restrictedSQL
            rule.boundValues["hunt_candidates"] = .text(events)
        case .unrestricted?, nil:
            if try !prefilters.mayMatch(rule, engine: engine, options: options) { return .cannotMatch(seconds: prefilters.lastSeconds) }
        }
        return .run(rule)
    }
}

extension Alert {
    /// The values of the fields an allowlist entry matched on (`child_executable=C:\…`), for
    /// listing suppressed alerts.
    public func matched(by entry: Allowlist.Entry) -> String {
        entry.conditions.map { "\($0.field.column)=\(text($0.field.column) ?? "")" }.joined(separator: " ")
    }
}
