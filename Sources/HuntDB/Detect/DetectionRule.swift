import Queries

/// A detection rule: a query file from `queries/sql/` whose rows become alerts.
public struct DetectionRule: Sendable {
    public let query: QueryFile
    public var id: String { query.id }
    public var name: String { query.name }
    public var severity: String { query.severity ?? "medium" }

    /// Every rule embedded in this binary.
    /// - Throws: `QueryFileError` if an embedded header is malformed (a build defect; tests catch it).
    public static func builtIn() throws -> [DetectionRule] {
        try EmbeddedQueries.rules.map { DetectionRule(query: try QueryFile(sql: $0.sql, origin: "queries/sql/\($0.name).sql")) }
    }
}
