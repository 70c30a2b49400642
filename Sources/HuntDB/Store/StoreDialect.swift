/// The SQL dialect a store speaks, which picks the text of a rule it runs: a rule file holds
/// SQLite's SQL; a built-in rule may also have a ClickHouse text (`queries/clickhouse/`).
public enum StoreDialect: String, Sendable {
    case sqlite
    case clickhouse

    /// The name in messages.
    public var displayName: String {
        switch self {
        case .sqlite: "SQLite"
        case .clickhouse: "ClickHouse"
        }
    }
}

extension EventStore {
    /// SQLite unless a store says otherwise.
    public var dialect: StoreDialect { .sqlite }
}
