import Model

/// How a `NormalizedEvent` is stored on ClickHouse: its table, its identity, and its columns in
/// the order of that table's INSERT.
enum ClickHouseEventRow {
    enum Table: String, CaseIterable {
        case processes, networkConnections = "network_connections", lifecycleEvents = "lifecycle_events"
        case logons, serviceInstalls = "service_installs"
        case commandLineEvidence = "command_line_evidence"

        /// The table of an event kind (the context events, logons and service installs, since
        /// c0003; PowerShell 4103 command-line evidence since c0005).
        init(_ kind: NormalizedEvent.Kind) {
            switch kind {
            case .processStart: self = .processes
            case .networkConnection: self = .networkConnections
            case .processExit, .hostBoot: self = .lifecycleEvents
            case .logon: self = .logons
            case .serviceInstall: self = .serviceInstalls
            case .commandLineEvidence: self = .commandLineEvidence
            }
        }

        /// The INSERT statement of the table's rows in RowBinary: its columns, then `link_version`.
        var insertSQL: String {
            "INSERT INTO \(rawValue) (\((columns + ["link_version"]).joined(separator: ", "))) FORMAT RowBinary"
        }

        /// Whether a record of this table and source is one record in every time precision
        /// (SQLite's `SecurityRecordMatch`): Security records in the event tables, every record
        /// but Sysmon's in the context tables; never one keyed by a content hash.
        func foldsPrecisions(_ source: SourceKind, recordKeyIsHash: Bool) -> Bool {
            guard !recordKeyIsHash else { return false }
            switch self {
            case .processes, .networkConnections, .lifecycleEvents: return source == .security
            case .logons, .serviceInstalls, .commandLineEvidence: return source != .sysmon
            }
        }

        static let identity = ["event_id", "host_id", "host", "ts_us", "record_key", "content_key", "record_key_is_hash", "source_id",
                               "source_record"]

        /// The columns every row is written with (a rewrite copies them; `link_version` is
        /// the rewrite's own).
        var columns: [String] { specificColumns + ["ts_key"] }

        private var specificColumns: [String] {
            switch self {
            case .processes:
                Self.identity + ["entity_id", "pid", "executable", "name", "command_line", "args", "working_directory",
                                 "parent_entity_id", "parent_pid", "parent_executable", "parent_name", "parent_command_line",
                                 "user_name", "user_domain", "integrity_level", "hashes", "source_kind", "ts_precision_us",
                                 "original_file_name", "description", "product", "company", "file_version", "logon_id",
                                 "logon_guid", "terminal_session_id", "parent_user"]
            case .networkConnections:
                Self.identity + ["entity_id", "pid", "executable", "name", "user_name", "user_domain", "transport", "direction",
                                 "source_ip", "source_port", "source_hostname", "destination_ip", "destination_port",
                                 "destination_hostname", "source_kind", "ts_precision_us", "source_port_name",
                                 "destination_port_name"]
            case .lifecycleEvents:
                Self.identity + ["kind", "entity_id", "pid", "executable", "name", "user_name", "user_domain", "source_kind",
                                 "ts_precision_us"]
            case .logons:
                Self.identity + ["source_kind", "ts_precision_us", "event_code", "outcome", "logon_type", "user_name", "user_domain",
                                 "logon_id", "source_ip", "source_port", "workstation", "logon_process", "auth_package",
                                 "failure_status", "pid", "executable"]
            case .serviceInstalls:
                Self.identity + ["source_kind", "ts_precision_us", "event_code", "service_name", "image_path", "start_type",
                                 "service_type", "account", "user_name", "user_domain", "logon_id", "entity_id", "pid", "executable"]
            case .commandLineEvidence:
                Self.identity + ["source_kind", "ts_precision_us", "event_code", "pid", "command_line", "user_name", "user_domain"]
            }
        }
    }

    /// An event's identity in a host: what makes a re-loaded record a duplicate, and the
    /// table's sorting key (host_id, ts_key, record_key, content_key; c0007).
    struct Identity: Hashable {
        var hostID: Int64
        /// The event's time (not part of the identity: `tsKey` is).
        var tsMicros: Int64
        /// `tsMicros`, or for a record that is one record in every time precision, its second
        /// (`timeKey`), so that its copies share one identity.
        var tsKey: Int64
        var recordKey: String
        var contentKey: Int64
        /// Whether `recordKey` is a content hash (its hex), not a record id (c0004). Not part of
        /// the identity: rows loaded before c0004 read it from the key's form, so a record
        /// loaded again must find them by host, time, key and content alone.
        var recordKeyIsHash = false

        static func == (a: Identity, b: Identity) -> Bool {
            (a.hostID, a.tsKey, a.recordKey, a.contentKey) == (b.hostID, b.tsKey, b.recordKey, b.contentKey)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hostID)
            hasher.combine(tsKey)
            hasher.combine(recordKey)
            hasher.combine(contentKey)
        }

        /// Whether the record is one record in every time precision (`Table.foldsPrecisions`).
        var folds: Bool

        init(hostID: Int64, tsMicros: Int64, recordKey: String, contentKey: Int64, recordKeyIsHash: Bool = false, folds: Bool) {
            self.hostID = hostID
            self.tsMicros = tsMicros
            self.tsKey = Identity.timeKey(tsMicros, folds: folds)
            self.recordKey = recordKey
            self.contentKey = contentKey
            self.recordKeyIsHash = recordKeyIsHash
            self.folds = folds
        }

        /// The time in the sorting key: `micros` floored to the second when the record folds
        /// precisions (the same expression as c0007's `ts_key` default), else `micros`.
        static func timeKey(_ micros: Int64, folds: Bool) -> Int64 {
            guard folds else { return micros }
            let below = (micros % 1_000_000 + 1_000_000) % 1_000_000
            let (floor, overflow) = micros.subtractingReportingOverflow(below)
            return overflow ? .min : floor  // .min: "from the start" stays the start
        }

        /// A stable id for the event (the same event always gets the same id; copies of a
        /// record in other precisions get the same one).
        var eventID: Int64 {
            var hash = ContentKey()
            hash.add(hostID)
            hash.add(tsKey)
            hash.add(recordKey)
            hash.add(contentKey)
            return hash.value & .max
        }
    }

    /// The host's id: a 63-bit hash of its key, the same in every loader.
    static func hostID(_ host: HostIdentity) -> Int64 {
        var hash = ContentKey()
        hash.add(host.key)
        return hash.value & .max
    }

    /// The record key as stored: the record number, the channel-qualified id, or the content hash in hex.
    static func recordKey(_ key: RecordKey) -> String {
        switch key {
        case .sysmonRecord(let id): String(id)
        case .named(let name): name
        case .contentHash(let bytes): bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Whether the record key is a content hash (a record without an id), stored as its hex.
    static func isContentHash(_ key: RecordKey) -> Bool {
        if case .contentHash = key { true } else { false }
    }

    /// Appends the event's row to `out`, in the order of `table`'s columns (`Table(event.kind)`);
    /// `eventID` is `identity.eventID`, which the caller has computed already.
    static func write(_ event: NormalizedEvent, into table: Table, identity: Identity, eventID: Int64, sourceID: Int64, sourceRecord: Int64,
                      to out: inout RowBinaryWriter) {
        out.int64(eventID)
        out.int64(identity.hostID)
        out.string(event.host.name)
        out.int64(identity.tsMicros)
        out.string(identity.recordKey)
        out.int64(identity.contentKey)
        out.uint8(identity.recordKeyIsHash ? 1 : 0)
        out.int64(sourceID)
        out.int64(sourceRecord)
        switch table {
        case .processes:
            out.string(event.entityID)
            out.nullableInt64(event.pid)
            out.nullableString(event.executable)
            out.nullableString(event.name)
            out.nullableString(event.commandLine)
            out.nullableString(event.argsJSON)
            out.nullableString(event.workingDirectory)
            out.nullableString(event.parentEntityID)
            out.nullableInt64(event.parentPID)
            out.nullableString(event.parentExecutable)
            out.nullableString(event.parentName)
            out.nullableString(event.parentCommandLine)
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
            out.nullableString(event.integrityLevel)
            out.nullableString(event.hashes)
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
            out.nullableString(event.originalFileName)
            out.nullableString(event.fileDescription)
            out.nullableString(event.product)
            out.nullableString(event.company)
            out.nullableString(event.fileVersion)
            out.nullableString(event.logonID)
            out.nullableString(event.logonGUID)
            out.nullableInt64(event.terminalSessionID)
            out.nullableString(event.parentUser)
        case .networkConnections:
            out.string(event.entityID)
            out.nullableInt64(event.pid)
            out.nullableString(event.executable)
            out.nullableString(event.name)
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
            out.nullableString(event.transport)
            out.nullableString(event.direction)
            out.nullableString(event.sourceIP)
            out.nullableInt64(event.sourcePort)
            out.nullableString(event.sourceHostname)
            out.nullableString(event.destinationIP)
            out.nullableInt64(event.destinationPort)
            out.nullableString(event.destinationHostname)
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
            out.nullableString(event.sourcePortName)
            out.nullableString(event.destinationPortName)
        case .lifecycleEvents:
            out.string(event.kind.rawValue)
            out.string(event.entityID)
            out.nullableInt64(event.pid)
            out.nullableString(event.executable)
            out.nullableString(event.name)
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
        case .logons:
            // The values the SQLite store writes (ContextWriter).
            let logon = event.logon ?? LogonDetails(eventCode: 4624)
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
            out.int64(logon.eventCode)
            out.string(logon.succeeded ? "success" : "failure")
            out.nullableInt64(logon.logonType)
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
            out.nullableString(event.logonID)
            out.nullableString(event.sourceIP)
            out.nullableInt64(event.sourcePort)
            out.nullableString(logon.workstation)
            out.nullableString(logon.logonProcess)
            out.nullableString(logon.authenticationPackage)
            out.nullableString(logon.failureStatus)
            out.nullableInt64(event.pid)
            out.nullableString(event.executable)
        case .serviceInstalls:
            let service = event.service ?? ServiceDetails(eventCode: 7045, serviceName: "")
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
            out.int64(service.eventCode)
            out.string(service.serviceName)
            out.nullableString(service.imagePath)
            out.nullableString(service.startType)
            out.nullableString(service.serviceType)
            out.nullableString(service.account)
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
            out.nullableString(event.logonID)
            out.nullableString(event.entityID.isEmpty ? nil : event.entityID)
            out.nullableInt64(event.pid)
            out.nullableString(event.executable)
        case .commandLineEvidence:
            // The values the SQLite store writes (ContextWriter).
            out.string(event.sourceKind.rawValue)
            out.int64(event.timePrecisionMicros)
            out.int64(4103)
            out.int64(event.pid ?? 0)
            out.string(event.commandLine ?? "")
            out.nullableString(event.userName)
            out.nullableString(event.userDomain)
        }
        out.int64(identity.tsKey)
        out.int64(0)  // link_version: as loaded
        out.endRow()
    }
}
