import Foundation
import Model
import Store

/// What a detection run is limited to; nil means the rule's default.
public struct DetectionOptions: Sendable {
    public var sinceMicros: Int64?
    public var untilMicros: Int64?
    public var host: String?
    /// `--window`: binds `:window_ms` of the rules that declare it.
    public var windowMillis: Int64?
    /// `--min-port`: binds `:min_port` of the rules that declare it.
    public var minPort: Int64?
    /// `--param name=value`: values for any declared parameter, converted by its declared type.
    public var parameters: [String: String] = [:]
    /// Whether rules with a `-- context:` header get their context columns (`--no-context`
    /// leaves them null, to measure what the context costs).
    public var alertContext = true
    /// The windows of the alert context (README: "Alert context").
    public var contextWindows = AlertContextWindows()
    /// How many connections run rules at once (`--threads`); 1 runs them one after another.
    public var threads = 1
    /// With several threads, how many alerts a rule keeps in memory while rules ahead of it in
    /// the output still run; beyond that it waits for them (memory stays bounded).
    public var keptAlerts = 1_000
    /// Whether the caller lists suppressed alerts (`--show-suppressed`, the report). When it
    /// only counts them, rules that declare `allowlisted_executables` leave out the alerts the
    /// allowlist's executable-only entries suppress before reading them, and count them.
    public var listsSuppressedAlerts = true

    public init() {}

    /// The events the run looks at.
    public var scope: EventScope { EventScope(sinceMicros: sinceMicros, untilMicros: untilMicros, host: host) }

    /// The bound value of a parameter the options set, if any.
    func value(for parameter: QueryParameter, now: Int64) throws -> RowValue? {
        switch parameter.name {
        case "since": if let sinceMicros { return .integer(sinceMicros) }
        case "until": if let untilMicros { return .integer(untilMicros) }
        case "host": if let host { return .text(host) }
        case "window_ms": if let windowMillis { return .integer(windowMillis) }
        case "min_port": if let minPort { return .integer(minPort) }
        default: break
        }
        return try parameters[parameter.name].map { try parameter.value(from: $0, now: now) }
    }
}

/// Counts of one rule's run.
public struct RuleRunSummary: Sendable {
    public var ruleID: String
    public var alerts = 0
    public var suppressed = 0
    public var seconds: Double = 0
    /// Why the rule stopped (the store's error), when it failed; the other rules still ran.
    public var failure: String?
}

/// Runs detection rules through a store and applies the allowlist to their rows.
public struct DetectionEngine {
    public let store: any EventStore
    public let allowlist: Allowlist
    /// Connections a split rule (`-- split: hosts by …`) runs its parts on, one part each, when
    /// there are at least two and the store speaks SQLite; `store` itself then only merges and
    /// looks up the alerts' context.
    public var partStores: [any EventStore] = []

    public init(store: any EventStore, allowlist: Allowlist) {
        self.store = store
        self.allowlist = allowlist
    }

    /// Runs `rule`, calling `onAlert` for each alert that survives the allowlist and
    /// `onSuppressed` for each one an entry suppressed.
    /// - Throws: `StoreError`, `RuleError` (a parameter value that does not fit its type, or a
    ///   declared column the SQL does not return), or the callbacks' errors.
    public func run(_ rule: DetectionRule, options: DetectionOptions,
                    onAlert: (Alert) throws -> Void,
                    onSuppressed: (Alert, Allowlist.Entry) throws -> Void = { _, _ in }) throws -> RuleRunSummary {
        let started = ContinuousClock.now
        var summary = RuleRunSummary(ruleID: rule.id)
        let parameters = try parameterValues(of: rule, options: options)
        try withoutActuallyEscaping(onAlert) { onAlert in
            try withoutActuallyEscaping(onSuppressed) { onSuppressed in
                // The context is looked up for the alerts the allowlist lets through, in batches.
                let context = rule.context.flatMap { kind in
                    options.alertContext
                        ? AlertContextBatch(kind: kind, rule: rule, store: store, windows: options.contextWindows, emit: onAlert) : nil
                }
                let collector = AlertCollector(rule: rule, onAllowlisted: { summary.suppressed += $0 }) { (alert: consuming Alert) in
                    if let entry = allowlist.suppressingEntry(for: alert, includingDefaults: rule.usesDefaultAllowlist) {
                        summary.suppressed += 1
                        try onSuppressed(alert, entry)
                    } else {
                        summary.alerts += 1
                        if let context { try context.add(consume alert) } else { try onAlert(alert) }
                    }
                }
                let purpose = "running rule \(rule.id) (\(rule.origin))"
                if store.dialect == .clickhouse, let program = rule.clickHouseProgram {
                    try program.run(on: store, parameters: parameters, purpose: purpose, into: collector)
                } else if let split = rule.split, store.dialect == .sqlite, partStores.count > 1 {
                    try SplitRuleRun(rule: rule, split: split, parts: partStores)
                        .run(sql: try rule.sql(for: .sqlite), parameters: parameters, purpose: purpose, into: collector)
                } else {
                    _ = try store.runRule(sql: try rule.sql(for: store.dialect), parameters: parameters, purpose: purpose, into: collector)
                }
                try context?.flush()
            }
        }
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// The value of every declared parameter: the option if given, else the default.
    /// - Throws: `RuleError` for a value that does not fit the declared type.
    public func parameterValues(of rule: DetectionRule, options: DetectionOptions) throws -> [String: RowValue] {
        let now = Clock.nowMicros()
        var values = rule.boundValues
        for parameter in rule.query.parameters {
            do {
                if parameter.name == Self.allowlistPrefilterParameter {
                    guard options.parameters[parameter.name] == nil else {
                        throw RuleError("\(rule.id): --param \(parameter.name) is set by hunt from the allowlist; "
                                        + "change the allowlist (--allowlist FILE) instead")
                    }
                    values[parameter.name] = allowlistPrefilter(for: rule, options: options)
                    continue
                }
                if rule.split != nil, [RuleSplit.partsParameter, RuleSplit.partParameter].contains(parameter.name) {
                    guard options.parameters[parameter.name] == nil else {
                        throw RuleError("\(rule.id): --param \(parameter.name) is set by hunt when it runs the rule in parts (--threads)")
                    }
                    values[parameter.name] = .null
                    continue
                }
                values[parameter.name] = try options.value(for: parameter, now: now)
                    ?? parameter.value(from: parameter.defaultText ?? "NULL", now: now)
            } catch let error as QueryFileError {
                throw RuleError("\(rule.id): \(error.message)")
            }
        }
        return values
    }

    /// The parameter a rule declares to leave out, and count, the alerts that the allowlist's
    /// executable-only entries suppress (README: "Allowlist"); the engine always binds it.
    static let allowlistPrefilterParameter = "allowlisted_executables"

    /// Those entries as a JSON array of pattern lists, or null when suppressed alerts are listed
    /// (every alert then reaches the allowlist in Swift) or no entry qualifies.
    private func allowlistPrefilter(for rule: DetectionRule, options: DetectionOptions) -> RowValue {
        guard !options.listsSuppressedAlerts else { return .null }
        let entries = allowlist.executableOnlyEntries(for: rule)
        guard !entries.isEmpty, let json = try? JSONSerialization.data(withJSONObject: entries),
              let text = String(data: json, encoding: .utf8) else { return .null }
        return .text(text)
    }
}

extension DetectionRule {
    /// The rule's SQL in `dialect`.
    /// - Throws: `StoreError.failed` when the rule has no text for that dialect (the run names
    ///   the rule and runs the others).
    public func sql(for dialect: StoreDialect) throws -> String {
        switch dialect {
        case .sqlite:
            return query.sql
        case .clickhouse:
            guard let clickHouseSQL else {
                throw StoreError.failed(engine: dialect.displayName, code: 0,
                                        message: "the rule has no ClickHouse text (built-in rules have one in queries/clickhouse/; Sigma rules are compiled for it; --rules files run on SQLite only)",
                                        purpose: "running rule \(id) (\(origin))")
            }
            return clickHouseSQL
        }
    }
}

/// Turns the rows of a rule's query into alerts, checking once that the SQL returns `host` and
/// every declared column.
private final class AlertCollector: RowSink {
    /// The column of the row by which a rule counts the alerts it left out for the allowlist.
    static let allowlistedCountColumn = "allowlisted_count"
    private let rule: DetectionRule
    /// Takes the alert: a context can then write into its row without copying it.
    private let emit: (consuming Alert) throws -> Void
    private let onAllowlisted: (Int) -> Void
    private var columns: AlertColumns?
    private var allowlistedCount: Int?
    private var contextNulls: [RowValue] = []

    init(rule: DetectionRule, onAllowlisted: @escaping (Int) -> Void, emit: @escaping (consuming Alert) throws -> Void) {
        self.rule = rule
        self.onAllowlisted = onAllowlisted
        self.emit = emit
    }

    func begin(columns: [String]) throws {
        let returned = Set(columns)
        if let missing = (["host"] + rule.queryColumns.map(\.name)).first(where: { !returned.contains($0) }) {
            throw RuleError("\(rule.origin): the rule declares the column \(missing) but its SQL does not return it")
        }
        // Context columns follow the SQL's, null until the engine looks them up.
        contextNulls = Array(repeating: .null, count: rule.context?.columns.count ?? 0)
        allowlistedCount = columns.firstIndex(of: Self.allowlistedCountColumn)
        self.columns = AlertColumns(names: columns + (rule.context?.columns.map(\.name) ?? []), rule: rule)
    }

    func write(_ row: [RowValue]) throws {
        guard let columns else { return }
        // A count row stands for alerts the SQL left out for the allowlist: counted, not alerts.
        if let allowlistedCount, case .integer(let count) = row[allowlistedCount] { return onAllowlisted(Int(count)) }
        try emit(Alert(rule: rule, row: contextNulls.isEmpty ? row : row + contextNulls, columns: columns))
    }

    func end() throws {}
}
