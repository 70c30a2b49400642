extension SQLiteStore {
    /// A second read-only connection to the same file (WAL lets readers run side by side); nil
    /// for an in-memory database, which no other connection can open.
    public func openParallelReader() throws -> (any EventStore)? {
        guard !path.isEmpty, path != ":memory:" else { return nil }
        return try SQLiteStore(path: path, access: .readOnly)
    }
}
