import Model

/// Writes context events (logons, service installs, command-line evidence) into `logons`,
/// `service_installs` and `command_line_evidence`,
/// deduplicated like every event: same host, record key, time and content is the same record,
/// and a Security or System record already held in another time precision is a duplicate
/// (`SecurityRecordMatch`; the more precise time is kept).
final class ContextWriter {
    private let database: Database
    private let securityMatch: SecurityRecordMatch
    private let insertLogon: Statement
    private let insertService: Statement
    private let otherLogon: Statement
    private let otherService: Statement
    private let insertEvidence: Statement
    private let otherEvidence: Statement

    init(database: Database, securityMatch: SecurityRecordMatch) throws {
        self.database = database
        self.securityMatch = securityMatch
        insertLogon = try database.prepare("""
            INSERT INTO logons (host_id, ts_us, record_key, content_key, source_id, source_record, source_kind, ts_precision_us,
                event_code, outcome, logon_type, user_name, user_domain, logon_id, source_ip, source_port, workstation,
                logon_process, auth_package, failure_status, pid, executable)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
            ON CONFLICT (host_id, record_key, ts_us, content_key) DO NOTHING
            """, purpose: "inserting a logon event", persistent: true)
        insertService = try database.prepare("""
            INSERT INTO service_installs (host_id, ts_us, record_key, content_key, source_id, source_record, source_kind,
                ts_precision_us, event_code, service_name, image_path, start_type, service_type, account, user_name,
                user_domain, logon_id, entity_id, pid, executable)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
            ON CONFLICT (host_id, record_key, ts_us, content_key) DO NOTHING
            """, purpose: "inserting a service install event", persistent: true)
        otherLogon = try database.prepare("""
            SELECT s.path, e.source_record FROM logons AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2 AND e.event_id <> ?3 LIMIT 1
            """, purpose: "looking for another event under the same record key", persistent: true)
        otherService = try database.prepare("""
            SELECT s.path, e.source_record FROM service_installs AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2 AND e.event_id <> ?3 LIMIT 1
            """, purpose: "looking for another event under the same record key", persistent: true)
        insertEvidence = try database.prepare("""
            INSERT INTO command_line_evidence (host_id, ts_us, record_key, content_key, source_id, source_record, source_kind,
                ts_precision_us, event_code, pid, command_line, user_name, user_domain)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            ON CONFLICT (host_id, record_key, ts_us, content_key) DO NOTHING
            """, purpose: "inserting command-line evidence", persistent: true)
        otherEvidence = try database.prepare("""
            SELECT s.path, e.source_record FROM command_line_evidence AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2 AND e.event_id <> ?3 LIMIT 1
            """, purpose: "looking for another event under the same record key", persistent: true)
    }

    /// Inserts a `.logon`, `.serviceInstall` or `.commandLineEvidence` event; `.duplicate` when
    /// the host holds it already.
    func insert(_ event: NormalizedEvent, contentKey: Int64, hostID: Int64, sourceID: Int64, sourceRecord: Int64,
                recordKey bind: (Statement, Int32) -> Void) throws -> EventWriter.Insertion {
        let isLogon = event.kind == .logon, isEvidence = event.kind == .commandLineEvidence
        let table: SecurityRecordMatch.Table = isLogon ? .logons : isEvidence ? .commandLineEvidence : .serviceInstalls
        if event.sourceKind != .sysmon, try isStored(event, table: table, contentKey: contentKey, hostID: hostID, recordKey: bind) {
            return .duplicate
        }
        let s = isLogon ? insertLogon : isEvidence ? insertEvidence : insertService
        defer { s.reset() }
        s.bind(hostID, at: 1)
        s.bind(event.timestampMicros, at: 2)
        bind(s, 3)
        s.bind(contentKey, at: 4)
        s.bind(sourceID, at: 5)
        s.bind(sourceRecord, at: 6)
        s.bind(event.sourceKind.rawValue, at: 7)
        s.bind(event.timePrecisionMicros, at: 8)
        if isEvidence {
            s.bind(Int64(4103), at: 9)
            s.bind(event.pid ?? 0, at: 10)
            s.bind(event.commandLine ?? "", at: 11)
            s.bind(event.userName, at: 12)
            s.bind(event.userDomain, at: 13)
        } else if isLogon {
            let logon = event.logon ?? LogonDetails(eventCode: 4624)
            s.bind(logon.eventCode, at: 9)
            s.bind(logon.succeeded ? "success" : "failure", at: 10)
            s.bind(logon.logonType, at: 11)
            s.bind(event.userName, at: 12)
            s.bind(event.userDomain, at: 13)
            s.bind(event.logonID, at: 14)
            s.bind(event.sourceIP, at: 15)
            s.bind(event.sourcePort, at: 16)
            s.bind(logon.workstation, at: 17)
            s.bind(logon.logonProcess, at: 18)
            s.bind(logon.authenticationPackage, at: 19)
            s.bind(logon.failureStatus, at: 20)
            s.bind(event.pid, at: 21)
            s.bind(event.executable, at: 22)
        } else {
            let service = event.service ?? ServiceDetails(eventCode: 7045, serviceName: "")
            s.bind(service.eventCode, at: 9)
            s.bind(service.serviceName, at: 10)
            s.bind(service.imagePath, at: 11)
            s.bind(service.startType, at: 12)
            s.bind(service.serviceType, at: 13)
            s.bind(service.account, at: 14)
            s.bind(event.userName, at: 15)
            s.bind(event.userDomain, at: 16)
            s.bind(event.logonID, at: 17)
            s.bind(event.entityID.isEmpty ? nil : event.entityID, at: 18)
            s.bind(event.pid, at: 19)
            s.bind(event.executable, at: 20)
        }
        try s.run()
        guard database.changes == 1 else { return .duplicate }
        if case .contentHash = event.recordKey { return .stored(collidesWith: nil) }
        let other = isLogon ? otherLogon : isEvidence ? otherEvidence : otherService
        let eventID = database.lastInsertRowID
        defer { other.reset() }
        other.bind(hostID, at: 1)
        bind(other, 2)
        other.bind(eventID, at: 3)
        guard try other.step() else { return .stored(collidesWith: nil) }
        return .stored(collidesWith: "\(other.text(0) ?? "?"):\(other.int64(1))")
    }

    private func isStored(_ event: NormalizedEvent, table: SecurityRecordMatch.Table, contentKey: Int64, hostID: Int64,
                          recordKey bind: (Statement, Int32) -> Void) throws -> Bool {
        if case .contentHash = event.recordKey { return false }
        switch try securityMatch.match(table: table, hostID: hostID, recordKey: bind, contentKey: contentKey,
                                       micros: event.timestampMicros, precision: event.timePrecisionMicros) {
        case .none: return false
        case .same: return true
        }
    }
}
