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
