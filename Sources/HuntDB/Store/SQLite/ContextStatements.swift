import Model

/// The statements of the lookup, prepared once per rule run. Parameters are positional (`?1`…).
struct ContextStatements {
    let hostByName, hostByNameNoCase, hostName, hostHasLogons, hostHasServices: Statement
    let stringID, string, text: Statement
    let logonBySession, logonBySource, logonByHostTime: Statement
    let serviceInstalls: Statement
    let countLogons, logonsOfWindow, countServiceInstalls, serviceInstallsOfWindow: Statement
    let countAllLogons, latestLogon, allLogons: Statement
    let connectionsBySource, pidOfConnection: Statement
    let entityValue, processStarts, commandLineEvidence: Statement
    let countDestination, connectionsToDestination: Statement

    init(_ database: Database) throws {
        func prepare(_ sql: String, _ purpose: String) throws -> Statement {
            try database.prepare(sql, purpose: "looking up the context of remote-service alerts (\(purpose))")
        }
        hostByName = try prepare("SELECT host_id FROM hosts WHERE host_key = lower(?1) AND name = ?1", "host")
        hostByNameNoCase = try prepare("SELECT host_id FROM hosts WHERE name = ?1 COLLATE NOCASE ORDER BY host_id LIMIT 1", "host")
        hostName = try prepare("SELECT name FROM hosts WHERE host_id = ?1", "host name")
        hostHasLogons = try prepare("SELECT 1 FROM logons INDEXED BY logons_by_host_time WHERE host_id = ?1 LIMIT 1", "logons")
        hostHasServices = try prepare("SELECT 1 FROM service_installs WHERE host_id = ?1 LIMIT 1", "service installs")
        stringID = try prepare("SELECT string_id FROM strings WHERE value = ?1", "string id")
        string = try prepare("SELECT value FROM strings WHERE string_id = ?1", "string")
        text = try prepare("SELECT value FROM texts WHERE text_id = ?1", "command line")
        // The logon lookups differ only in their WHERE: the same TCP session, the same address,
        // or (without a connection) any remote address.
        logonBySession = try prepare("""
            SELECT g.ts_us, g.user_name, g.user_domain, g.logon_id, g.logon_type, g.source_ip, g.source_port, g.event_id FROM logons AS g
            WHERE g.host_id = ?1 AND g.source_ip = ?2 AND g.source_port = ?3 AND g.ts_us >= ?4 AND g.ts_us <= ?5
              AND g.outcome = 'success' AND g.logon_type IN (3, 10)
            ORDER BY g.ts_us DESC, g.event_id DESC LIMIT 1
            """, "logon of the session")
        logonBySource = try prepare("""
            SELECT g.ts_us, g.user_name, g.user_domain, g.logon_id, g.logon_type, g.source_ip, g.source_port, g.event_id FROM logons AS g
            WHERE g.host_id = ?1 AND g.source_ip = ?2 AND g.ts_us >= ?3 AND g.ts_us <= ?4
              AND g.outcome = 'success' AND g.logon_type IN (3, 10)
            ORDER BY g.ts_us DESC, g.event_id DESC LIMIT 1
            """, "logon from the address")
        logonByHostTime = try prepare("""
            SELECT g.ts_us, g.user_name, g.user_domain, g.logon_id, g.logon_type, g.source_ip, g.source_port, g.event_id
            FROM logons AS g INDEXED BY logons_by_host_time
            WHERE g.host_id = ?1 AND g.ts_us >= ?2 AND g.ts_us <= ?3
              AND g.outcome = 'success' AND g.logon_type IN (3, 10)
              AND g.source_ip IS NOT NULL AND g.source_ip NOT IN ('127.0.0.1', '::1')
            ORDER BY g.ts_us DESC, g.event_id DESC LIMIT 1
            """, "remote logon")
        serviceInstalls = try prepare("""
            SELECT v.service_name, v.image_path, v.ts_us, v.event_id FROM service_installs AS v
            WHERE v.host_id = ?1 AND v.ts_us >= ?2 AND v.ts_us <= ?3 AND v.image_path IS NOT NULL
            ORDER BY v.ts_us DESC, v.event_code = 13, v.event_id DESC
            """, "service install")
        // The batch plan: a window's rows in time order, counted first (index only, up to ?3).
        countLogons = try prepare("""
            SELECT count(*) FROM (SELECT 1 FROM logons INDEXED BY logons_by_time WHERE ts_us >= ?1 AND ts_us <= ?2 LIMIT ?3)
            """, "logons of the batch")
        logonsOfWindow = try prepare("""
            SELECT g.event_id, g.host_id, g.ts_us, g.user_name, g.user_domain, g.logon_id, g.logon_type, g.source_ip, g.source_port
            FROM logons AS g INDEXED BY logons_by_time
            WHERE g.ts_us >= ?1 AND g.ts_us <= ?2 AND g.outcome = 'success' AND g.logon_type IN (3, 10)
            """, "logons of the batch")
        countAllLogons = try prepare("SELECT count(*) FROM logons", "logons of the store")
        latestLogon = try prepare("SELECT max(ts_us) FROM logons", "logons of the store")
        allLogons = try prepare("""
            SELECT g.event_id, g.host_id, g.ts_us, g.user_name, g.user_domain, g.logon_id, g.logon_type, g.source_ip, g.source_port
            FROM logons AS g NOT INDEXED
            WHERE g.outcome = 'success' AND g.logon_type IN (3, 10)
            """, "logons of the store")
        countServiceInstalls = try prepare("""
            SELECT count(*) FROM (SELECT 1 FROM service_installs INDEXED BY service_installs_by_time
                                  WHERE ts_us >= ?1 AND ts_us <= ?2 LIMIT ?3)
            """, "service installs of the batch")
        serviceInstallsOfWindow = try prepare("""
            SELECT v.event_id, v.host_id, v.ts_us, v.service_name, v.image_path, v.event_code
            FROM service_installs AS v INDEXED BY service_installs_by_time
            WHERE v.ts_us >= ?1 AND v.ts_us <= ?2 AND v.image_path IS NOT NULL
            """, "service installs of the batch")
        connectionsBySource = try prepare("""
            SELECT e.event_id, e.host_id, e.ts_us, e.ts_precision_us, e.pid, e.entity_ref, e.direction_ref,
                e.destination_ip_ref, e.destination_port, e.executable_ref
            FROM network_rows AS e INDEXED BY network_by_source
            WHERE e.source_port = ?1 AND e.source_ip_ref = ?2 AND e.ts_us >= ?3 AND e.ts_us <= ?4
            """, "source connection")
        pidOfConnection = try prepare("""
            SELECT max(o.pid) FROM network_rows AS o INDEXED BY network_by_source
            WHERE o.source_port = ?1 AND o.source_ip_ref = ?2 AND o.host_id = ?3 AND o.ts_us >= ?4 AND o.ts_us <= ?5
            """, "source pid")
        // The entity id; the first start record of the process (its command line is read by
        // id: NULL when none, or when that record has none: the evidence is asked then).
        entityValue = try prepare("SELECT value FROM entities WHERE entity_ref = ?1", "source process")
        processStarts = try prepare("""
            SELECT p.ts_us, p.command_line_ref FROM process_rows AS p INDEXED BY processes_by_entity
            WHERE p.host_id = ?1 AND p.entity_ref = ?2
            """, "source process")
        countDestination = try prepare("""
            SELECT count(*) FROM (SELECT 1 FROM network_rows INDEXED BY network_by_destination
                                  WHERE destination_ip_ref = ?1 AND destination_port = ?2 LIMIT ?3)
            """, "connections of the destination")
        connectionsToDestination = try prepare("""
            SELECT e.event_id, e.host_id, e.ts_us, e.ts_precision_us, e.pid, e.entity_ref, e.direction_ref,
                e.source_ip_ref, e.source_port, e.executable_ref
            FROM network_rows AS e INDEXED BY network_by_destination
            WHERE e.destination_ip_ref = ?1 AND e.destination_port = ?2
            """, "connections of the destination")
        commandLineEvidence = try prepare("""
            SELECT c.command_line FROM command_line_evidence AS c
            WHERE c.host_id = ?1 AND c.pid = ?2 AND c.ts_us >= ?3 AND c.ts_us <= ?4
            ORDER BY abs(c.ts_us - ?5), c.event_id LIMIT 1
            """, "command-line evidence")
    }
}

extension Statement {
    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    /// Binds `values` to ?1, ?2, … and steps once; true with a row to read (the caller resets).
    func seek(_ values: RowValue...) throws -> Bool {
        reset()
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
        return try step()
    }

    /// The first column of the first row for `values` (nil when no row or NULL); resets.
    func firstInteger(_ values: RowValue...) throws -> Int64? {
        defer { reset() }
        reset()
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
        return try step() ? optionalInt64(0) : nil
    }

    /// The text of the row with id `id` (nil when none); resets.
    func firstText(_ id: Int64) throws -> String? {
        defer { reset() }
        reset()
        bind(id, at: 1)
        return try step() ? text(0) : nil
    }
}
