import CSQLite
import Model

/// Writes normalized events, rejects and source bookkeeping with prepared statements.
///
/// The caller owns transactions: each batch is written and its source counts updated in one
/// transaction, so whatever a crash leaves behind, every stored row belongs to a source whose
/// counts agree with it.
final class EventWriter {
    private let database: Database
    private let insertProcess: Statement
    private let insertNetwork: Statement
    private let insertHost: Statement
    private let selectHost: Statement
    private let insertReject: Statement
    private let insertWarning: Statement
    private let sameKeyProcess: Statement
    private let sameKeyNetwork: Statement
    private let addCounts: Statement
    private var hostIDs: [String: Int64] = [:]
    /// The compact store's dictionaries (names, entities, strings); the entity linker interns through them too.
    let dictionaries: StringDictionaries
    private let lifecycle: LifecycleWriter
    private let securityMatch: SecurityRecordMatch
    private let context: ContextWriter
    /// Per host: the earliest time of a Security event stored since the last `takeSecurityChanges`
    /// (the entity links from that time on may change).
    private var securityChanges: [Int64: Int64] = [:]
    private let processKeyCeiling: RecordKeyCeiling
    private let networkKeyCeiling: RecordKeyCeiling

    init(database: Database) throws {
        self.database = database
        lifecycle = try LifecycleWriter(database: database)
        securityMatch = SecurityRecordMatch(database: database)
        dictionaries = try StringDictionaries(database: database)
        context = try ContextWriter(database: database, securityMatch: securityMatch)
        processKeyCeiling = try RecordKeyCeiling(database: database, table: .processRows)
        networkKeyCeiling = try RecordKeyCeiling(database: database, table: .networkRows)
        insertProcess = try database.prepare("""
            INSERT INTO process_rows (host_id, ts_us, record_key, source_id, source_record, entity_ref, pid, executable_ref,
                name_ref, command_line_ref, args_ref, working_directory_ref, parent_entity_ref, parent_pid,
                parent_executable_ref, parent_name_ref, parent_command_line_ref, user_name_ref, user_domain_ref,
                integrity_level_ref, hashes_ref, content_key, source_kind, ts_precision_us, original_file_name_ref,
                description_ref, product_ref, company_ref, file_version_ref, logon_id_ref, logon_guid_ref,
                terminal_session_id, parent_user_ref)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)
            """, purpose: "inserting a process event", persistent: true)
        insertNetwork = try database.prepare("""
            INSERT INTO network_rows (host_id, ts_us, record_key, source_id, source_record, entity_ref, pid, executable_ref,
                name_ref, user_name_ref, user_domain_ref, transport_ref, direction_ref, source_ip_ref, source_port,
                source_hostname_ref, destination_ip_ref, destination_port, destination_hostname_ref, content_key,
                source_kind, ts_precision_us, source_port_name_ref, destination_port_name_ref)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22, ?23, ?24)
            """, purpose: "inserting a network event", persistent: true)
        insertHost = try database.prepare(
            "INSERT INTO hosts (host_key, name, ecs_host_id) VALUES (?1, ?2, ?3) ON CONFLICT (host_key) DO NOTHING",
            purpose: "inserting a host")
        selectHost = try database.prepare("SELECT host_id FROM hosts WHERE host_key = ?1", purpose: "looking up a host")
        insertReject = try database.prepare(
            "INSERT INTO rejects (source_id, record, byte_offset, reason, excerpt) VALUES (?1, ?2, ?3, ?4, ?5)",
            purpose: "recording a rejected record")
        insertWarning = try database.prepare(
            "INSERT INTO warnings (source_id, record, byte_offset, kind, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            purpose: "recording a warning about a loaded event")
        sameKeyProcess = try database.prepare("""
            SELECT e.ts_us, e.content_key, s.path, e.source_record FROM process_rows AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2
            ORDER BY e.event_id
            """, purpose: "looking for events under the same record key", persistent: true)
        sameKeyNetwork = try database.prepare("""
            SELECT e.ts_us, e.content_key, s.path, e.source_record FROM network_rows AS e JOIN sources AS s ON s.source_id = e.source_id
            WHERE e.host_id = ?1 AND e.record_key = ?2
            ORDER BY e.event_id
            """, purpose: "looking for events under the same record key", persistent: true)
        addCounts = try database.prepare("""
            UPDATE sources SET records_read = records_read + ?2, records_loaded = records_loaded + ?3,
                records_duplicate = records_duplicate + ?4, records_not_relevant = records_not_relevant + ?5,
                records_rejected = records_rejected + ?6, records_incomplete = records_incomplete + ?7,
                records_truncated = records_truncated + ?8, records_colliding = records_colliding + ?9
            WHERE source_id = ?1
            """, purpose: "updating a source's counts")
    }

    /// Forgets cached host ids, interned text ids and pending Security changes (after a rollback, they may not exist).
    func forgetCachedHosts() {
        hostIDs.removeAll()
        dictionaries.forget()
        securityChanges.removeAll()
        startingTransaction()
    }

    /// Forgets what another process may have changed since the last transaction.
    func startingTransaction() {
        processKeyCeiling.forget()
        networkKeyCeiling.forget()
    }

    /// The hosts that got Security events since the last call, each with the earliest time stored.
    func takeSecurityChanges() -> [Int64: Int64] {
        defer { securityChanges.removeAll() }
        return securityChanges
    }

    private func noteSecurityChange(hostID: Int64, at micros: Int64) {
        securityChanges[hostID] = min(securityChanges[hostID] ?? .max, micros)
    }

    /// What storing one event did.
    enum Insertion {
        /// Already stored: same host, record key, time and content.
        case duplicate
        /// Stored; `collidesWith` names (`path:record`) another event the host holds under the same
        /// record key, if any.
        case stored(collidesWith: String?)
    }

    /// Inserts an event unless its host already holds the same record with the same time and
    /// content; a stored event whose record key the host already used for another event is
    /// reported as colliding.
    /// - Parameter sealedContentKey: `event.contentKey` when the caller has it already.
    func insert(_ event: NormalizedEvent, sourceID: Int64, sourceRecord: Int64, sealedContentKey: Int64? = nil) throws -> Insertion {
        let hostID = try self.hostID(for: event.host)
        let contentKey = sealedContentKey ?? event.contentKey  // hashed once: the Security match and the insert both need it
        if event.kind == .logon || event.kind == .serviceInstall || event.kind == .commandLineEvidence {  // context events: their own tables
            return try context.insert(event, contentKey: contentKey, hostID: hostID, sourceID: sourceID, sourceRecord: sourceRecord,
                                      recordKey: { self.bind(event.recordKey, to: $0, at: $1) })
        }
        if event.sourceKind == .security, try isStoredSecurityRecord(event, contentKey: contentKey, hostID: hostID) { return .duplicate }
        if event.kind == .processExit || event.kind == .hostBoot {
            guard let stored = try lifecycle.insert(event, contentKey: contentKey, hostID: hostID, recordKey: { self.bind(event.recordKey, to: $0, at: $1) },
                                                    sourceID: sourceID, sourceRecord: sourceRecord) else { return .duplicate }
            noteSecurityChange(hostID: hostID, at: event.timestampMicros)
            return .stored(collidesWith: stored.collidesWith)
        }
        // The identity (host, record key, time, content) is checked here, not by a unique index
        // (m0014): only when the host may hold the key already, which a Sysmon record id above
        // every id the host holds rules out without a look-up.
        let sameKey = try storedUnderKey(event, hostID: hostID, contentKey: contentKey)
        if sameKey == .same { return .duplicate }
        let s = event.kind == .processStart ? insertProcess : insertNetwork
        let strings = dictionaries.strings, texts = dictionaries.texts, names = dictionaries.names, entities = dictionaries.entities
        s.bind(hostID, at: 1)
        s.bind(event.timestampMicros, at: 2)
        bind(event.recordKey, to: s, at: 3)
        s.bind(sourceID, at: 4)
        s.bind(sourceRecord, at: 5)
        s.bind(try entities.ref(event.entityID, usuallyNew: event.kind == .processStart), at: 6)
        s.bind(event.pid, at: 7)
        s.bind(try strings.ref(event.executable), at: 8)
        s.bind(try names.ref(event.name), at: 9)
        switch event.kind {
        case .processStart:
            s.bind(try texts.ref(event.commandLine), at: 10)
            s.bind(try texts.ref(event.argsJSON), at: 11)
            s.bind(try strings.ref(event.workingDirectory), at: 12)
            s.bind(try entities.ref(event.parentEntityID), at: 13)
            s.bind(event.parentPID, at: 14)
            s.bind(try strings.ref(event.parentExecutable), at: 15)
            s.bind(try names.ref(event.parentName), at: 16)
            s.bind(try texts.ref(event.parentCommandLine), at: 17)
            s.bind(try strings.ref(event.userName), at: 18)
            s.bind(try strings.ref(event.userDomain), at: 19)
            s.bind(try strings.ref(event.integrityLevel), at: 20)
            s.bind(try strings.ref(event.hashes), at: 21)
            s.bind(contentKey, at: 22)
            s.bind(SourceKindCode.code(event.sourceKind), at: 23)
            s.bind(event.timePrecisionMicros, at: 24)
            s.bind(try strings.ref(event.originalFileName), at: 25)
            s.bind(try strings.ref(event.fileDescription), at: 26)
            s.bind(try strings.ref(event.product), at: 27)
            s.bind(try strings.ref(event.company), at: 28)
            s.bind(try strings.ref(event.fileVersion), at: 29)
            s.bind(try strings.ref(event.logonID), at: 30)
            s.bind(try strings.ref(event.logonGUID), at: 31)
            s.bind(event.terminalSessionID, at: 32)
            s.bind(try strings.ref(event.parentUser), at: 33)
        case .networkConnection, .processExit, .hostBoot, .logon, .serviceInstall, .commandLineEvidence:  // exits, boots and context were written above
            s.bind(try strings.ref(event.userName), at: 10)
            s.bind(try strings.ref(event.userDomain), at: 11)
            s.bind(try strings.ref(event.transport), at: 12)
            s.bind(try strings.ref(event.direction), at: 13)
            s.bind(try strings.ref(event.sourceIP), at: 14)
            s.bind(event.sourcePort, at: 15)
            s.bind(try strings.ref(event.sourceHostname), at: 16)
            s.bind(try strings.ref(event.destinationIP), at: 17)
            s.bind(event.destinationPort, at: 18)
            s.bind(try strings.ref(event.destinationHostname), at: 19)
            s.bind(contentKey, at: 20)
            s.bind(SourceKindCode.code(event.sourceKind), at: 21)
            s.bind(event.timePrecisionMicros, at: 22)
            s.bind(try strings.ref(event.sourcePortName), at: 23)
            s.bind(try strings.ref(event.destinationPortName), at: 24)
        }
        try s.runKeepingBindings()
        if event.sourceKind == .security { noteSecurityChange(hostID: hostID, at: event.timestampMicros) }
        // A content-hash key holds the whole record: another event cannot share it.
        if case .contentHash = event.recordKey { return .stored(collidesWith: nil) }
        guard case .other(let other) = sameKey else { return .stored(collidesWith: nil) }
        return .stored(collidesWith: other)
    }

    /// What the host holds under an event's record key, before the event is stored.
    private enum SameKey: Equatable {
        /// Nothing (or the key lies above every key the host holds).
        case none
        /// The same event: same time and content.
        case same
        /// Another event; `path:record` of the first one stored.
        case other(String)
    }

    /// Looks for events the host holds under the event's record key: the same event (a
    /// duplicate) or another one (a collision). A Sysmon record id above every integer key the
    /// host holds needs no look-up.
    private func storedUnderKey(_ event: NormalizedEvent, hostID: Int64, contentKey: Int64) throws -> SameKey {
        let ceiling = event.kind == .processStart ? processKeyCeiling : networkKeyCeiling
        guard try ceiling.mayCollide(event.recordKey, hostID: hostID) else { return .none }
        let s = event.kind == .processStart ? sameKeyProcess : sameKeyNetwork
        defer { s.reset() }
        s.bind(hostID, at: 1)
        bind(event.recordKey, to: s, at: 2)
        var first: String?
        while try s.step() {
            if s.int64(0) == event.timestampMicros && s.int64(1) == contentKey { return .same }
            if first == nil { first = "\(s.text(2) ?? "?"):\(s.int64(3))" }
        }
        return first.map(SameKey.other) ?? .none
    }

    /// Whether the host holds this Security record already, maybe in another time precision
    /// (then the stored row keeps the more precise time).
    private func isStoredSecurityRecord(_ event: NormalizedEvent, contentKey: Int64, hostID: Int64) throws -> Bool {
        if case .contentHash = event.recordKey { return false }
        let table: SecurityRecordMatch.Table = switch event.kind {
        case .processStart: .processes
        case .networkConnection: .networkConnections
        case .processExit, .hostBoot: .lifecycleEvents
        case .logon: .logons
        case .serviceInstall: .serviceInstalls
        case .commandLineEvidence: .commandLineEvidence
        }
        switch try securityMatch.match(table: table, hostID: hostID, recordKey: { self.bind(event.recordKey, to: $0, at: $1) },
                                       contentKey: contentKey, micros: event.timestampMicros,
                                       precision: event.timePrecisionMicros) {
        case .none:
            return false
        case .same(let refinedFrom):
            if let old = refinedFrom { noteSecurityChange(hostID: hostID, at: min(old, event.timestampMicros)) }
            return true
        }
    }

    /// Binds a record key as stored: an integer, text or a blob (copied by SQLite).
    private func bind(_ key: RecordKey, to s: Statement, at index: Int32) {
        switch key {
        case .sysmonRecord(let id): s.bind(id, at: index)
        case .named(let name): s.bind(name, at: index)
        case .contentHash(let bytes): s.bindBlob(bytes, at: index)
        }
    }

    func insertWarning(sourceID: Int64, _ warning: RecordWarning) throws {
        insertWarning.bind(sourceID, at: 1)
        insertWarning.bind(warning.record, at: 2)
        insertWarning.bind(warning.offset, at: 3)
        insertWarning.bind(warning.kind.rawValue, at: 4)
        insertWarning.bind(warning.reason, at: 5)
        try insertWarning.run()
    }

    func insertReject(sourceID: Int64, record: Int64, offset: Int64, reason: String, excerpt: String) throws {
        insertReject.bind(sourceID, at: 1)
        insertReject.bind(record, at: 2)
        insertReject.bind(offset, at: 3)
        insertReject.bind(reason, at: 4)
        insertReject.bind(excerpt, at: 5)
        try insertReject.run()
    }

    func addCounts(sourceID: Int64, _ counts: LoadCounts) throws {
        addCounts.bind(sourceID, at: 1)
        addCounts.bind(counts.read, at: 2)
        addCounts.bind(counts.loaded, at: 3)
        addCounts.bind(counts.duplicates, at: 4)
        addCounts.bind(counts.notRelevant, at: 5)
        addCounts.bind(counts.rejected, at: 6)
        addCounts.bind(counts.incomplete, at: 7)
        addCounts.bind(counts.truncated, at: 8)
        addCounts.bind(counts.colliding, at: 9)
        try addCounts.run()
    }

    private func hostID(for host: HostIdentity) throws -> Int64 {
        if let id = hostIDs[host.key] { return id }
        insertHost.bind(host.key, at: 1)
        insertHost.bind(host.name, at: 2)
        insertHost.bind(host.ecsID, at: 3)
        try insertHost.run()
        selectHost.bind(host.key, at: 1)
        defer { selectHost.reset() }
        guard try selectHost.step() else {
            throw DatabaseError(code: SQLITE_INTERNAL, message: "host \(host.key) vanished", purpose: "looking up a host")
        }
        let id = selectHost.int64(0)
        hostIDs[host.key] = id
        return id
    }
}

