import Model

/// The predicates at the leaves of a compiled Sigma condition, in one SQL dialect.
///
/// `SigmaFieldCompiler` writes a condition's structure once (value lists, absent and empty
/// values, keywords, `all`, negation); a dialect says how one value is matched, compared or
/// tested (`SigmaSQLiteLeaves`, `SigmaClickHouseSQL`). Every value is bound (`:sN`), never
/// written into the SQL text.
protocol SigmaLeafPredicates {
    /// One pattern (after `expand`, encodings and `windash`) against a column.
    func match(_ pattern: SigmaPattern, column: SigmaColumn, cased: Bool, into sql: inout SigmaSQL) -> String
    /// The column equals one of several literals, ignoring ASCII case (one lookup per row).
    func anyOf(_ literals: [String], column: SigmaColumn, into sql: inout SigmaSQL) -> String
    /// `|re` with its flags (`i`, `m`, `s`), a pattern already checked to be valid.
    func regex(_ pattern: String, flags: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String
    /// `|cidr` with a block already checked to be one.
    func cidr(_ block: String, field: String, column: SigmaColumn, into sql: inout SigmaSQL) throws -> String
    /// Refuses `|lt`, `|gt`… on a column the dialect cannot compare as SQLite does.
    func checkComparable(_ column: SigmaColumn, field: String) throws
    /// The column compared with a number (`op` is one of `<`, `<=`, `>`, `>=`).
    func compare(_ column: SigmaColumn, _ op: String, _ bound: RowValue, into sql: inout SigmaSQL) -> String
    /// `|fieldref`: two non-null fields of one event in a relation.
    func relate(_ column: SigmaColumn, _ other: SigmaColumn, _ relation: SigmaFieldRelation, cased: Bool) -> String
    /// One keyword's test on one column, never NULL.
    func keyword(_ test: String) -> String
    /// A whole field condition made never NULL (before `not` applies to it).
    func neverNull(_ predicate: String) -> String
}

/// How `|fieldref` relates a field to another: equal, or one within the other.
enum SigmaFieldRelation {
    case equals, contains, startsWith, endsWith
}
