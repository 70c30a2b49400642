import Foundation
import Model

/// A correlation whose referenced rules are all compiled: everything its SQL needs.
public struct SigmaCompiledCorrelation: Sendable {
    public let correlation: SigmaCorrelation
    /// The referenced rules and correlations, in the correlation's order.
    public let inputs: [SigmaCorrelationInput]
    /// Per input, the SQL of each group-by name, in `group-by` order: over `e`/`h` for a rule,
    /// over the referenced correlation's alert row `a` for a correlation.
    let groupSQL: [[String]]
    /// Per input, the SQL of `condition.field` (value_* types; rules only).
    let valueSQL: [String]?

    /// Its ClickHouse form, once `SigmaRuleSet.forClickHouse` gave it one (an array: a
    /// struct cannot hold itself).
    private var clickHouseForm: [SigmaClickHouseCorrelation] = []
    var clickHouse: SigmaClickHouseCorrelation? {
        get { clickHouseForm.first }
        set { clickHouseForm = newValue.map { [$0] } ?? [] }
    }

    init(correlation: SigmaCorrelation, inputs: [SigmaCorrelationInput], groupSQL: [[String]], valueSQL: [String]?) {
        self.correlation = correlation
        self.inputs = inputs
        self.groupSQL = groupSQL
        self.valueSQL = valueSQL
    }

    /// The referenced Sigma rules (not correlations), in order.
    public var bases: [SigmaCompiledRule] {
        inputs.compactMap { if case .rule(let rule) = $0 { return rule } else { return nil } }
    }

    /// The kinds of events it reads, through every correlation it references.
    public var eventKinds: Set<SigmaEventKind> { inputs.reduce(into: []) { $0.formUnion($1.eventKinds) } }

    /// The id for alerts and `--rule`: the `id`, else the `name`, else the file name.
    public var ruleID: String {
        SigmaRuleIdentity.ruleID(id: correlation.id, name: correlation.name, path: correlation.path, document: correlation.document)
    }

    /// The whole query and its bound values (the base rules' values renamed per rule, the
    /// correlation's own, never spliced into the text).
    public func query() -> (sql: String, bindings: [String: RowValue]) {
        var builder = SigmaCorrelationSQL(compiled: self)
        let sql = builder.build()
        return (sql, builder.bindings)
    }

    /// The query as the events of a correlation that references this one: one row per alert
    /// with `alert_no`, `host_id`, `ts_us`, the group values `g1…gK` and `detail` (the alert as
    /// one `events` entry). Its parameters are renamed with `prefix`, except the run's scope
    /// (`:since`, `:until`, `:host`) and `:max_events`, which it shares.
    func inputQuery(prefix: String) -> (sql: String, bindings: [String: RowValue]) {
        var builder = SigmaCorrelationSQL(compiled: self)
        let sql = builder.build(asInput: true)
        let shared: Set<String> = ["since", "until", "host", "max_events"]
        let pattern = try! NSRegularExpression(pattern: #":([A-Za-z_][A-Za-z0-9_]*)"#)
        var renamed = ""
        var last = sql.startIndex
        for match in pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)) {
            let whole = Range(match.range, in: sql)!, name = String(sql[Range(match.range(at: 1), in: sql)!])
            renamed += sql[last..<whole.lowerBound]
            renamed += shared.contains(name) ? ":" + name : ":" + prefix + name
            last = whole.upperBound
        }
        renamed += sql[last...]
        var bindings: [String: RowValue] = [:]
        for (name, value) in builder.bindings { bindings[shared.contains(name) ? name : prefix + name] = value }
        return (renamed, bindings)
    }
}
