/// The migrations an open applied to a store that had a schema already: what `hunt load`
/// reports, since an upgrade can take a while (c0007 rebuilds every event table).
public struct SchemaUpgrade: Sendable, Equatable {
    /// The migrations applied, in order.
    public let migrations: [String]
    /// How long applying them took, in seconds.
    public let seconds: Double

    public init(migrations: [String], seconds: Double) {
        self.migrations = migrations
        self.seconds = seconds
    }
}
