import Model

/// Which events a command looks at; nil means no limit.
public struct EventScope: Sendable, Equatable {
    public var sinceMicros: Int64?
    public var untilMicros: Int64?
    /// A host name, short name or host id (case-insensitive).
    public var host: String?

    public init(sinceMicros: Int64? = nil, untilMicros: Int64? = nil, host: String? = nil) {
        self.sinceMicros = sinceMicros
        self.untilMicros = untilMicros
        self.host = host
    }
}

/// A kind of event a rule needs, optionally narrowed to one process name and direction:
/// what coverage checks per host.
public struct EventNeed: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Process starts (Sysmon 1, ECS process start).
        case process
        /// Network connections (Sysmon 3, ECS network).
        case network
    }

    public var kind: Kind
    /// The process's executable name (basename, case-insensitive), or nil for any.
    public var name: String?
    /// `incoming` or `outgoing` (network only), or nil for either.
    public var direction: String?

    public init(kind: Kind, name: String? = nil, direction: String? = nil) {
        self.kind = kind
        self.name = name
        self.direction = direction
    }

    /// Whether the need is the whole kind, not narrowed.
    public var isWholeKind: Bool { name == nil && direction == nil }
}

/// Per host, whether the events of each need exist (in the order the needs were given).
public struct HostCoverageFacts: Sendable, Equatable {
    public var host: String
    public var present: [Bool]

    public init(host: String, present: [Bool]) {
        self.host = host
        self.present = present
    }
}

/// What `hunt stats` can show.
public enum StatsView: String, CaseIterable, Sendable {
    /// Events per kind (processes, network_connections, all) with hosts and the time covered.
    case summary
    /// Events per host, by kind, with the time covered.
    case hosts
    /// One row per loaded file or stream, with its load counts.
    case sources
    /// Rejected records grouped by source and reason, with the first one's excerpt.
    case rejects

    /// Whether `--since`, `--until` and `--host` apply (they filter events, not loads).
    public var filtersEvents: Bool { self == .summary || self == .hosts }
}

/// Load totals for a one-line summary.
public struct LoadTotals: Sendable, Equatable {
    public var sources: Int64
    public var failedSources: Int64
    public var rejectedRecords: Int64

    public init(sources: Int64, failedSources: Int64, rejectedRecords: Int64) {
        self.sources = sources
        self.failedSources = failedSources
        self.rejectedRecords = rejectedRecords
    }
}

/// One table, view or column of the store, described for analysts.
public struct SchemaEntry: Sendable, Equatable {
    /// The table or view.
    public var object: String
    /// `table` or `view`.
    public var kind: String
    /// nil for the row that describes the table or view itself.
    public var column: String?
    public var type: String
    public var description: String

    public init(object: String, kind: String, column: String?, type: String, description: String) {
        self.object = object
        self.kind = kind
        self.column = column
        self.type = type
        self.description = description
    }

    /// The column names of `hunt schema`.
    public static let columns = ["object", "kind", "column", "type", "description"]

    /// The entry as a row of `columns`.
    public var row: [RowValue] {
        [.text(object), .text(kind), .text(column ?? ""), .text(type), .text(description)]
    }
}
