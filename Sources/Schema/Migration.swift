import Migrations

/// One schema change: a stable id and the SQL that applies it.
public struct Migration: Sendable, Equatable {
    /// The file name without `.sql`, e.g. `m0001_create_tables`. Ids sort in apply order.
    public let id: String
    public let sql: String

    public init(id: String, sql: String) {
        self.id = id
        self.sql = sql
    }

    /// Every migration embedded in this binary, in apply order.
    public static let embedded: [Migration] = EmbeddedMigrations.all.map { Migration(id: $0.id, sql: $0.sql) }

    /// The ClickHouse schema's migrations (`migrations/clickhouse/`), in apply order.
    public static let clickHouse: [Migration] = EmbeddedMigrations.clickHouse.map { Migration(id: $0.id, sql: $0.sql) }
}
