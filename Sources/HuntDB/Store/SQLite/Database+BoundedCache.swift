extension Database {
    /// The writer's page cache while it loads (64 MiB): seeks and inserts land all over the file.
    static let writerCacheKibibytes = 65_536
    /// The bound of the work after a load's reading (index builds, the kept alert context): a
    /// sort holds up to the page cache's size of rows in memory (per sorting thread) on top of
    /// the cache itself, so a 64 MiB cache let the 10M context's sort of 1M marked connections
    /// peak at 197 MB alone, 215 MB in the load.
    static let boundedCacheKibibytes = 16_384

    /// Runs `body` with the page cache bounded to `boundedCacheKibibytes` (the memory the cache
    /// held is handed back first), then restores the writer's cache.
    func withBoundedCache<T>(purpose: String, _ body: () throws -> T) throws -> T {
        try execute("PRAGMA cache_size = -\(Self.boundedCacheKibibytes)", purpose: "bounding the memory of \(purpose)")
        releaseFreedMemory()
        defer { try? execute("PRAGMA cache_size = -\(Self.writerCacheKibibytes)", purpose: "restoring the writer's page cache") }
        return try body()
    }
}
