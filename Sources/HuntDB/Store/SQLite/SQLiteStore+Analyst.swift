import Model

extension SQLiteStore {
    public func prepareAnalystQuery(_ sql: String, purpose: String) throws -> any AnalystStatement {
        try StoreError.translating { try SQLiteAnalystStatement(database: database, sql: sql, purpose: purpose) }
    }

    @discardableResult
    public func stats(_ view: StatsView, filter: EventScope, into sink: any RowSink) throws -> Int {
        try StoreError.translating { try StatsReport(database: database).write(view, filter: filter, to: sink) }
    }

    public func loadTotals() throws -> LoadTotals {
        try StoreError.translating { try StatsReport(database: database).loadTotals() }
    }

    public func schemaEntries() throws -> [SchemaEntry] {
        try StoreError.translating { try SchemaDescription(database: database).entries() }
    }

    public func check() throws -> (problems: [String], notes: [String]) {
        try StoreError.translating {
            let check = StoreCheck(database: database)
            return (try check.problems(), try check.notes())
        }
    }
}

extension SQLiteStore: EventStore {
    public var location: String { path }
}
