/// A kind of event a rule needs, optionally narrowed to one process name and direction:
/// what coverage checks per host.
public struct EventNeed: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Process starts (Sysmon 1, ECS process start).
        case process
        /// Network connections (Sysmon 3, ECS network).
        case network
        /// Logons (Security 4624 / 4625): context for alerts, a rule fires without them.
        case logon
        /// Service installs (System 7045, Security 4697, Sysmon 13 ImagePath): context too.
        case service
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

    /// Whether the events only add context to alerts (logons, services): without them a rule
    /// still fires, its alerts' context columns are null.
    public var isContext: Bool { kind == .logon || kind == .service }

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
