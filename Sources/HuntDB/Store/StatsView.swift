/// What `hunt stats` can show.
public enum StatsView: String, CaseIterable, Sendable {
    /// Events per kind (processes, network_connections, all), how many came from each source
    /// (sysmon, security, ecs), with hosts and the time covered.
    case summary
    /// Events per host, by kind, with the time covered.
    case hosts
    /// One row per loaded file or stream, with its load counts.
    case sources
    /// Rejected records grouped by source and reason, with the first one's excerpt.
    case rejects
    /// Warnings about stored events grouped by source and kind, with the first one's reason.
    case warnings

    /// Whether `--since`, `--until` and `--host` apply (they filter events, not loads).
    public var filtersEvents: Bool { self == .summary || self == .hosts }
}

/// Load totals for a one-line summary.
public struct LoadTotals: Sendable, Equatable {
    public var sources: Int64
    public var failedSources: Int64
    public var rejectedRecords: Int64
    /// Warnings about stored events (incomplete, truncated, colliding).
    public var warnings: Int64

    public init(sources: Int64, failedSources: Int64, rejectedRecords: Int64, warnings: Int64) {
        self.sources = sources
        self.failedSources = failedSources
        self.rejectedRecords = rejectedRecords
        self.warnings = warnings
    }
}
