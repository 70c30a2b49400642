import Model

/// Finds a Security record the host already holds in another dialect's time precision.
///
/// The same 4688 is one instant to the second in NXLog's flat export, to the millisecond in
/// Winlogbeat and to 100 ns in XML or EVTX, so its `ts_us` differs by dialect while its record
/// key (`Security:<EventRecordID>`) and content do not. A record with the same host, record key
/// and content whose times agree at the coarser of the two precisions is the same record: it is
/// counted a duplicate, and when the new copy is more precise the stored row takes its time,
/// so what is stored never depends on which copy was loaded first.
final class SecurityRecordMatch {
    private let database: Database
    private var find: [String: Statement] = [:]
    private var refine: [String: Statement] = [:]

    /// What the host already holds of a record.
    enum Found {
        case none
        /// The same record; when `refinedFrom` is set the stored time was that and is now the
        /// new, more precise one.
        case same(refinedFrom: Int64?)
    }

    init(database: Database) {
        self.database = database
    }

    func match(table: Table, hostID: Int64, recordKey bind: (Statement, Int32) -> Void,
               contentKey: Int64, micros: Int64, precision: Int64) throws -> Found {
        let s = try statement(&find, table.findSQL)
        defer { s.reset() }
        s.bind(hostID, at: 1)
        bind(s, 2)
        s.bind(contentKey, at: 3)
        while try s.step() {
            let eventID = s.int64(0), storedMicros = s.int64(1), storedPrecision = max(1, s.int64(2))
            switch PrecisionFold.compare(held: (storedMicros, storedPrecision), new: (micros, precision)) {
            case .otherTime: continue
            case .same: return .same(refinedFrom: nil)
            case .refines: break
            }
            let update = try statement(&refine, table.refineSQL)
            update.bind(micros, at: 1)
            update.bind(precision, at: 2)
            update.bind(eventID, at: 3)
            try update.run()
            return .same(refinedFrom: storedMicros)
        }
        return .none
    }

    private func statement(_ cache: inout [String: Statement], _ sql: String) throws -> Statement {
        if let s = cache[sql] { return s }
        let s = try database.prepare(sql, purpose: "matching a Security record loaded before", persistent: true)
        cache[sql] = s
        return s
    }

    /// The tables Security records are stored in.
    enum Table {
        case processes, networkConnections, lifecycleEvents
        /// Context events (ContextWriter): logons, service installs.
        case logons, serviceInstalls
        /// PowerShell 4103 host applications (ContextWriter).
        case commandLineEvidence

        var findSQL: String {
            switch self {
            case .processes:
                "SELECT event_id, ts_us, ts_precision_us FROM process_rows WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            case .networkConnections:
                "SELECT event_id, ts_us, ts_precision_us FROM network_rows WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            case .lifecycleEvents:
                "SELECT event_id, ts_us, ts_precision_us FROM lifecycle_events WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            case .logons:
                "SELECT event_id, ts_us, ts_precision_us FROM logons WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            case .serviceInstalls:
                "SELECT event_id, ts_us, ts_precision_us FROM service_installs WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            case .commandLineEvidence:
                "SELECT event_id, ts_us, ts_precision_us FROM command_line_evidence WHERE host_id = ?1 AND record_key = ?2 AND content_key = ?3"
            }
        }

        var refineSQL: String {
            switch self {
            case .processes: "UPDATE process_rows SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            case .networkConnections: "UPDATE network_rows SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            case .lifecycleEvents: "UPDATE lifecycle_events SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            case .logons: "UPDATE logons SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            case .serviceInstalls: "UPDATE service_installs SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            case .commandLineEvidence: "UPDATE command_line_evidence SET ts_us = ?1, ts_precision_us = ?2 WHERE event_id = ?3"
            }
        }
    }
}
