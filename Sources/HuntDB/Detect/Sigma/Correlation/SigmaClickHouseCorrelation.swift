import Model

/// A correlation compiled for ClickHouse: its referenced rules compiled again for ClickHouse,
/// their group-by and `condition.field` expressions in ClickHouse's columns, and the one query
/// that reads their matching events in time order. `SigmaCorrelationWalker` then finds the
/// matches (18.16 has no window functions and no recursive queries). A referenced correlation
/// is compiled the same way; its alerts become events of this one.
public struct SigmaClickHouseCorrelation: Sendable {
    /// The correlation as resolved for SQLite: its meaning, ids and names.
    public let compiled: SigmaCompiledCorrelation
    let inputs: [Input]
    /// Per group-by name, whether its values are numbers (every input must agree).
    let groupIsInteger: [Bool]

    indirect enum Input: Sendable {
        /// A rule compiled for ClickHouse with its group-by expressions and `condition.field`'s.
        case rule(SigmaCompiledRule, groups: [String], value: String?)
        /// A referenced correlation; per group-by name, the position of its group value.
        case correlation(SigmaClickHouseCorrelation, groups: [Int])
    }

    public var ruleID: String { compiled.ruleID }

    /// The correlation for ClickHouse, or why it cannot run there.
    public static func compile(_ compiled: SigmaCompiledCorrelation) -> Result<SigmaClickHouseCorrelation, SigmaUnsupported> {
        do {
            return .success(try SigmaClickHouseCorrelation(compiled))
        } catch let reason as SigmaUnsupported {
            return .failure(reason)
        } catch {
            return .failure(SigmaUnsupported("\(error)"))
        }
    }

    private init(_ compiled: SigmaCompiledCorrelation) throws {
        self.compiled = compiled
        let correlation = compiled.correlation
        var inputs: [Input] = []
        var integer: [[Bool]] = []
        for (index, input) in compiled.inputs.enumerated() {
            switch input {
            case .rule(let rule):
                let clickHouse: SigmaCompiledRule
                switch rule.compiledForClickHouse() {
                case .success(let found): clickHouse = found
                case .failure(let reason):
                    throw SigmaUnsupported("the rule \(rule.ruleID) cannot run on ClickHouse: \(reason.reason)")
                }
                let fields = SigmaFieldCompiler(kind: rule.kind, context: rule.context, dialect: .clickhouse)
                let groups = try correlation.groupBy.map { try fields.resolve(SigmaCorrelationResolver.field($0, in: input, correlation: correlation, role: "group-by")) }
                var value: SigmaColumn?
                if let field = correlation.condition.field {
                    value = try fields.resolve(SigmaCorrelationResolver.field(field, in: input, correlation: correlation, role: "condition.field"))
                    if correlation.kind != .valueCount, value?.isInteger != true {
                        throw SigmaUnsupported("\(correlation.kind.rawValue) over the text field \(field) runs on SQLite only (it follows SQLite's conversions of text to numbers)")
                    }
                }
                inputs.append(.rule(clickHouse, groups: groups.map(\.sql), value: value.map { $0.sql }))
                integer.append(groups.map(\.isInteger) + (value.map { [$0.isInteger] } ?? []))
            case .correlation(let inner):
                let nested = try SigmaClickHouseCorrelation(inner)
                // The SQLite form names the inner group as `a.gK`.
                let positions = compiled.groupSQL[index].map { Int($0.dropFirst(3))! - 1 }
                inputs.append(.correlation(nested, groups: positions))
                integer.append(positions.map { nested.groupIsInteger[$0] } + (correlation.condition.field == nil ? [] : [false]))
            }
        }
        // One column per group (and for the value) across the rules' events: numbers in every rule or in none.
        let columns = integer.first?.count ?? 0
        var agreed: [Bool] = []
        for column in 0..<columns {
            let kinds = Set(integer.map { $0[column] })
            guard kinds.count == 1 else {
                let name = column < correlation.groupBy.count ? "group-by \(correlation.groupBy[column])" : "condition.field \(correlation.condition.field ?? "")"
                throw SigmaUnsupported("the \(name) is a number in one rule and text in another, which runs on SQLite only")
            }
            agreed.append(kinds.first!)
        }
        self.inputs = inputs
        groupIsInteger = Array(agreed.prefix(correlation.groupBy.count))
        valueIsInteger = correlation.condition.field == nil ? false : (agreed.last ?? false)
    }

    /// Whether `condition.field`'s values are numbers.
    let valueIsInteger: Bool

    /// The positions of the inputs that are rules.
    var ruleInputs: [Int] {
        inputs.indices.filter { if case .rule = inputs[$0] { return true } else { return false } }
    }

    /// The query over the rules' events, ordered by time: per matching event with every group
    /// value present, `r` (the input's position), `ts_us`, the load-order keys `source_id` and
    /// `source_record`, `host`, `g1…gK`, `v` (value_* types), and what its `events` entry shows
    /// (`entity_id`, `record_id`, `source`). Each rule's values are bound as `:{prefix}b{r}_sN`;
    /// the run's scope (`:since`, `:until`, `:host`) is shared. When `hotSlotFloor` applies, only
    /// the events of the needed slots (`+HotSlots`, `:{prefix}k_span`, `:{prefix}k_floor`) are
    /// read. Nil when no input is a rule. Parameters stay in WHERE: 18.16 breaks on them in the
    /// selected expressions of a distributed query.
    func eventsQuery(prefix: String = "") -> (sql: String, bindings: [String: RowValue])? {
        var bindings: [String: RowValue] = [:]
        // Per rule input: its table, selected columns, group columns and WHERE.
        var parts: [(table: String, columns: [String], groups: [String], filter: String)] = []
        for (index, input) in inputs.enumerated() {
            guard case .rule(let rule, let groups, let value) = input else { continue }
            let predicate = SigmaCorrelationSQL.renamingParameters(rule.predicate, rule: index)
                .replacingOccurrences(of: ":b\(index)_", with: ":\(prefix)b\(index)_")
            for (name, bound) in rule.bindings { bindings["\(prefix)b\(index)_\(name)"] = bound }
            let groupColumns = groups.enumerated().map { position, sql in
                "CAST(\(sql) AS Nullable(\(groupIsInteger[position] ? "Int64" : "String")))"
            }
            var columns = ["\(index) AS r", "e.ts_us AS ts_us", "e.source_id AS source_id", "e.source_record AS source_record", "e.host AS host"]
            columns += groupColumns.enumerated().map { position, sql in "\(sql) AS g\(position + 1)" }
            if let value { columns.append("CAST(\(value) AS Nullable(\(valueIsInteger ? "Int64" : "String"))) AS v") }
            columns += ["e.entity_id AS entity_id", "\(Self.recordID) AS record_id"]
            let present = groups.map { " AND (\($0)) IS NOT NULL" }.joined()
            let filter = """
                WHERE (\(predicate))\(present)
                      AND \(SigmaCompiledRule.clickHouseScope)
                """
            parts.append((rule.kind.table, columns, groupColumns, filter))
        }
        guard !parts.isEmpty else { return nil }
        // Only the needed slots' events when the condition needs enough of them (`+HotSlots`).
        var hotSlots = ""
        if let floor = hotSlotFloor {
            bindings["\(prefix)k_span"] = .integer(compiled.correlation.timespanMicros)
            bindings["\(prefix)k_floor"] = .integer(floor)
            let counted = parts.map { part in
                let keys = part.groups.enumerated().map { position, sql in "\(sql) AS g\(position + 1), " }.joined()
                return """
                        SELECT \(keys)e.ts_us AS ts_us
                        FROM \(part.table) AS e
                        \(part.filter)
                    """
            }
            hotSlots = Self.neededSlots(counted: counted.joined(separator: "\n    UNION ALL\n"), groupCount: compiled.correlation.groupBy.count,
                                        span: ":\(prefix)k_span", floor: ":\(prefix)k_floor")
        }
        let arms = parts.map { part in
            let restriction = hotSlots.isEmpty ? ""
                : "\n      AND " + Self.hotSlotCondition(groups: part.groups, span: ":\(prefix)k_span", needed: hotSlots)
            return """
                    SELECT \(part.columns.joined(separator: ", "))
                    FROM \(part.table) AS e FINAL
                    \(part.filter)\(restriction)
                """
        }
        let names = compiled.correlation.groupBy.indices.map { "g\($0 + 1)" }
            + (compiled.correlation.condition.field == nil ? [] : ["v"])
        let sql = """
            SELECT r, ts_us, source_id, source_record, host, \(names.map { $0 + ", " }.joined())entity_id, record_id,
                concat(path, ':', toString(source_record)) AS source
            FROM (
            \(arms.joined(separator: "\n    UNION ALL\n"))
            )
            ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
            ORDER BY ts_us
            """
        return (sql, bindings)
    }

    /// The record id as `SigmaCompiledRule.clickHouseSQL` gives it (keep the two the same): null
    /// for a content hash, which `record_key_is_hash` (c0004) marks.
    static let recordID = "if(e.record_key_is_hash = 1, NULL, e.record_key)"

    /// Every query's bound values, the referenced correlations' too (for the detection rule).
    func allBindings(prefix: String = "") -> [String: RowValue] {
        var values = eventsQuery(prefix: prefix)?.bindings ?? [:]
        for (index, input) in inputs.enumerated() {
            if case .correlation(let inner, _) = input { values.merge(inner.allBindings(prefix: "\(prefix)n\(index)_")) { a, _ in a } }
        }
        return values
    }
}
