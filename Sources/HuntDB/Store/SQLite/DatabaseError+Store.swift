import Model

extension DatabaseError {
    /// This failure as the store reports it.
    var storeError: StoreError {
        .failed(engine: "SQLite", code: code, message: message, purpose: purpose)
    }
}

extension StoreError {
    /// Runs `body`, turning an SQLite failure into `StoreError` at the store's edge; every
    /// other error (a sink's, a `QueryError`) passes unchanged.
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw error.storeError
        }
    }
}
