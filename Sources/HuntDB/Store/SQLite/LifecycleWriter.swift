import Model

/// Writes the events that bound the lives of processes (Security 4689 exits and 4608 boots)
/// into `lifecycle_events`, deduplicated like every event: same host, record key, time and
/// content is the same record.
final class LifecycleWriter {
    private let database: Database
    private let insert: Statement
    private let other: Statement

    init(database: Database) throws {
        self.database = database
        insert = try database.prepare("""
            INSERT INTO lifecycle_events (host_id, ts_us, record_key, source_id, source_record, kind, entity_id, pid,
                executable, name, user_name, user_domain, source_kind, ts_precision_us, content_key)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT (host_id, record_key, ts_us, content_key) DO NOTHING
            """, purpose: "inserting a process exit or boot", persistent: true)
        other = try database.prepare("""
            SELECT s.path, e.source_record FROM lifecycle_events AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2 AND e.event_id <> ?3
            LIMIT 1
            """, purpose: "looking for another event under the same record key", persistent: true)
    }

    /// Inserts the event; nil when the host already holds it, else the event id and `path:record`
    /// of another event under the same record key, if any.
    func insert(_ event: NormalizedEvent, contentKey: Int64, hostID: Int64, recordKey bind: (Statement, Int32) -> Void,
                sourceID: Int64, sourceRecord: Int64) throws -> (eventID: Int64, collidesWith: String?)? {
        let s = insert
        s.bind(hostID, at: 1)
        s.bind(event.timestampMicros, at: 2)
        bind(s, 3)
        s.bind(sourceID, at: 4)
        s.bind(sourceRecord, at: 5)
        s.bind(event.kind.rawValue, at: 6)
        s.bind(event.entityID, at: 7)
        s.bind(event.pid, at: 8)
        s.bind(event.executable, at: 9)
        s.bind(event.name, at: 10)
        s.bind(event.userName, at: 11)
        s.bind(event.userDomain, at: 12)
        s.bind(event.sourceKind.rawValue, at: 13)
        s.bind(event.timePrecisionMicros, at: 14)
        s.bind(contentKey, at: 15)
        try s.run()
        guard database.changes == 1 else { return nil }
        let eventID = database.lastInsertRowID
        if case .contentHash = event.recordKey { return (eventID, nil) }
        defer { other.reset() }
        other.bind(hostID, at: 1)
        bind(other, 2)
        other.bind(eventID, at: 3)
        guard try other.step() else { return (eventID, nil) }
        return (eventID, "\(other.text(0) ?? "?"):\(other.int64(1))")
    }
}
