import Model

/// The run's scope as SQL over an event row `e`, with the parameters `:since`, `:until` and
/// `:host` (a host name, its short name or a host id; case-insensitive).
enum EventScopeSQL {
    static let filter = """
        (:since IS NULL OR e.ts_us >= :since)
          AND (:until IS NULL OR e.ts_us < :until)
          AND (:host IS NULL OR e.host_id IN (
                SELECT host_id FROM hosts
                WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
        """

    /// The values of the scope's parameters.
    static func parameters(_ options: DetectionOptions) -> [String: RowValue] {
        ["since": options.sinceMicros.map { .integer($0) } ?? .null,
         "until": options.untilMicros.map { .integer($0) } ?? .null,
         "host": options.host.map { .text($0) } ?? .null]
    }
}
