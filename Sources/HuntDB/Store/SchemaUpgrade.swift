/// The migrations an open applied to a store that had a schema already: what `hunt load`
/// reports, since an upgrade can take a while (c0007 rebuilds every event table).
public struct SchemaUpgrade: Sendable, Equatable {
    /// The migrations applied, in order.
    public let migrations: [String]
    /// How long applying them took, in seconds.
    public let seconds: Double
    /// Bytes of free pages the file holds after them (rewritten tables and indexes leave their
    /// old pages free: later writes reuse them, a `VACUUM` gives them back to the disk); nil
    /// where the store has no such pages (ClickHouse).
    public let freeBytes: Int64?

    public init(migrations: [String], seconds: Double, freeBytes: Int64? = nil) {
        self.migrations = migrations
        self.seconds = seconds
        self.freeBytes = freeBytes
    }
}
