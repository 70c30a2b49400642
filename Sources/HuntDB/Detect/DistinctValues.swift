import Model
import Store

/// The distinct-value tables of one detection run, made once for the rules that have a
/// `DistinctValuesPrefilter` (worth it from a few such rules on), and the test per rule.
final class DistinctValues {
    private let store: any EventStore
    private var made: Set<String> = []
    private var screen: LiteralScreen?
    /// How long the last `mayMatch` took (the rule's time when it was decided there).
    private(set) var lastSeconds: Double = 0

    /// Below this many prefiltered rules on a table, the rules run directly.
    static let minimumRules = 8

    init(store: any EventStore, rules: [DetectionRule], scope: EventScope) throws {
        self.store = store
        var byTable: [String: (columns: [String], count: Int)] = [:]
        for rule in rules {
            if let prefilter = rule.prefilter {
                byTable[prefilter.table, default: (prefilter.columns, 0)].count += 1
            } else if let prefilter = rule.literalPrefilter {
                byTable[prefilter.table, default: (prefilter.columns, 0)].count += 1
            }
        }
        for (table, entry) in byTable.sorted(by: { $0.key < $1.key }) where entry.count >= Self.minimumRules {
            _ = try store.createDistinctValues(of: table, columns: entry.columns, scope: scope,
                                               as: DistinctValuesPrefilter.valuesTable(for: table))
            made.insert(table)
        }
        if !made.isEmpty {
            let tables = Dictionary(uniqueKeysWithValues: made.map { ($0, DistinctValuesPrefilter.valuesTable(for: $0)) })
            screen = try LiteralScreen(store: store, rules: rules.filter { rule in
                // Screened only against the table made with its own columns.
                guard let literal = rule.literalPrefilter, let columns = byTable[literal.table]?.columns else { return false }
                return literal.columns == columns
            }, valuesTables: tables)
        }
    }

    /// False when the rule's prefilter proves it matches no event of the scope.
    func mayMatch(_ rule: DetectionRule, engine: DetectionEngine, options: DetectionOptions) throws -> Bool {
        if screen?.excludes(rule) == true {
            lastSeconds = 0
            return false
        }
        guard let prefilter = rule.prefilter, made.contains(prefilter.table) else { return true }
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            lastSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        let sql = prefilter.sql.replacingOccurrences(of: "{values}", with: DistinctValuesPrefilter.valuesTable(for: prefilter.table))
        let rows = try store.runRule(sql: sql, parameters: try engine.parameterValues(of: rule, options: options),
                                     purpose: "checking rule \(rule.id) on distinct values (\(rule.origin))", into: DiscardingSink())
        return rows > 0
    }

    func drop() {
        for table in made { try? store.dropDistinctValues(DistinctValuesPrefilter.valuesTable(for: table)) }
    }
}

/// Counts rows and keeps none.
private struct DiscardingSink: RowSink {
    func begin(columns: [String]) throws {}
    func write(_ row: [RowValue]) throws {}
    func end() throws {}
}
