import Model

extension SQLiteStore {
    @discardableResult
    public func runRule(sql: String, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws -> Int {
        try StoreError.translating {
            let statement = try database.prepare(sql, purpose: purpose)
            for (name, value) in parameters {
                guard let index = statement.parameterIndex(name) else { continue }
                try statement.bind(value, at: index)
            }
            return try statement.writeRows(to: sink)
        }
    }

    public func coverage(of needs: [EventNeed], in scope: EventScope) throws -> [HostCoverageFacts] {
        try StoreError.translating { try CoverageQuery(needs: needs).run(on: database, scope: scope) }
    }
}

extension SQLiteStore {
    public func remoteServiceContext(_ requests: [RemoteServiceContextRequest], windows: AlertContextWindows) throws -> [RemoteServiceContext] {
        try StoreError.translating { try RemoteServiceContextQuery(on: database, windows: windows).run(requests) }
    }

    public func keepAlertContext() throws -> Int {
        try StoreError.translating {
            try database.withBoundedCache(purpose: "keeping the alert context") { try ConnectionContextRefresh(database: database).run() }
        }
    }

    public func remoteServiceContextLookup(windows: AlertContextWindows) throws -> any RemoteServiceContextLookup {
        try StoreError.translating { try RemoteServiceContextQuery(on: database, windows: windows) }
    }
}
