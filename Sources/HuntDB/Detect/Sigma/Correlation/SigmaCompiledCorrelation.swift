import Foundation
import Model

/// A correlation whose referenced rules are all compiled: everything its SQL needs.
public struct SigmaCompiledCorrelation: Sendable {
    public let correlation: SigmaCorrelation
    /// The referenced rules, in the correlation's order.
    public let bases: [SigmaCompiledRule]
    /// Per base rule, the SQL (over `e`/`h`) of each group-by name, in `group-by` order.
    let groupSQL: [[String]]
    /// Per base rule, the SQL of `condition.field` (value_* types).
    let valueSQL: [String]?

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
}
