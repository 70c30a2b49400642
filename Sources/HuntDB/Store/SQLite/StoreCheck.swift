import Model

/// Consistency checks of a HuntDB file: SQLite's integrity and foreign keys, and that every
/// source's counts agree with the rows it stored (events, rejects and warnings).
struct StoreCheck {
    let database: Database

    /// Every problem found, one sentence each; empty when the database is sound.
    func problems() throws -> [String] {
        var problems: [String] = []
        let integrity = try database.prepare("PRAGMA integrity_check", purpose: "checking database integrity")
        while try integrity.step() {
            let line = integrity.text(0) ?? ""
            if line != "ok" { problems.append("integrity: \(line)") }
        }
        let foreignKeys = try database.prepare("PRAGMA foreign_key_check", purpose: "checking foreign keys")
        while try foreignKeys.step() {
            let table = Self.relationNames[foreignKeys.text(0) ?? "?"] ?? foreignKeys.text(0) ?? "?"
            problems.append("foreign key: row \(foreignKeys.int64(1)) of \(table) points to a missing \(foreignKeys.text(2) ?? "?") row")
        }
        // The events' identity is kept by the writer (m0014), not by a unique index: look for breaks.
        for (relation, sql) in Self.sameIdentity {
            let same = try database.scalarInt(sql, purpose: "checking the identity of \(relation)") ?? 0
            if same > 0 { problems.append("\(relation): \(same) events stored twice (same host, record key, time and content)") }
        }
        // Nor is a text's uniqueness in texts (m0017): the writer looks it up by hash first.
        let twice = try database.scalarInt("SELECT count(*) FROM (SELECT 1 FROM texts GROUP BY hash, value HAVING count(*) > 1)",
                                           purpose: "checking texts") ?? 0
        if twice > 0 { problems.append("texts: \(twice) command lines or args arrays stored twice") }
        let wrongHash = try database.scalarInt("SELECT count(*) FROM texts WHERE hash != hunt_text_hash(value)", purpose: "checking texts") ?? 0
        if wrongHash > 0 { problems.append("texts: \(wrongHash) texts stored under another hash than their own (a load would not find them)") }
        let counts = try database.prepare("""
            SELECT s.source_id, s.path, s.records_read, s.records_loaded, s.records_duplicate, s.records_not_relevant,
                   s.records_rejected,
                   (SELECT count(*) FROM processes AS p WHERE p.source_id = s.source_id)
                 + (SELECT count(*) FROM network_connections AS n WHERE n.source_id = s.source_id)
                 + (SELECT count(*) FROM lifecycle_events AS l WHERE l.source_id = s.source_id) AS stored,
                   (SELECT count(*) FROM rejects AS r WHERE r.source_id = s.source_id) AS rejects,
                   s.records_incomplete, s.records_truncated, s.records_colliding,
                   (SELECT count(*) FROM warnings AS w WHERE w.source_id = s.source_id AND w.kind = 'incomplete'),
                   (SELECT count(*) FROM warnings AS w WHERE w.source_id = s.source_id AND w.kind = 'truncated'),
                   (SELECT count(*) FROM warnings AS w WHERE w.source_id = s.source_id AND w.kind = 'colliding')
            FROM sources AS s
            ORDER BY s.source_id
            """, purpose: "checking source counts")
        while try counts.step() {
            let id = counts.int64(0), path = counts.text(1) ?? ""
            let read = counts.int64(2), loaded = counts.int64(3), duplicates = counts.int64(4)
            let notRelevant = counts.int64(5), rejected = counts.int64(6), stored = counts.int64(7), rejects = counts.int64(8)
            if read != loaded + duplicates + notRelevant + rejected {
                problems.append("source \(id) (\(path)): read \(read) ≠ loaded \(loaded) + duplicates \(duplicates) + not relevant \(notRelevant) + rejected \(rejected)")
            }
            if stored != loaded {
                problems.append("source \(id) (\(path)): \(stored) stored events but \(loaded) counted as loaded")
            }
            if rejects != rejected {
                problems.append("source \(id) (\(path)): \(rejects) rows in rejects but \(rejected) counted as rejected")
            }
            // The columns above follow `RecordWarning.Kind`'s order.
            for (offset, kind) in RecordWarning.Kind.allCases.map(\.rawValue).enumerated() {
                let counted = counts.int64(Int32(9 + offset)), rows = counts.int64(Int32(12 + offset))
                if counted != rows {
                    problems.append("source \(id) (\(path)): \(rows) \(kind) rows in warnings but \(counted) counted as \(kind)")
                }
            }
        }
        return problems
    }

    /// Per event relation: how many identities (host, record key, time, content) more than one row holds.
    private static let sameIdentity = [
        ("processes", "SELECT count(*) FROM (SELECT 1 FROM process_rows GROUP BY host_id, record_key, ts_us, content_key HAVING count(*) > 1)"),
        ("network_connections",
         "SELECT count(*) FROM (SELECT 1 FROM network_rows GROUP BY host_id, record_key, ts_us, content_key HAVING count(*) > 1)"),
    ]

    /// The compact tables by the names analysts query them under (their event ids are the same).
    private static let relationNames = ["process_rows": "processes", "network_rows": "network_connections"]
}

extension StoreCheck {
    /// What an analyst should know that is not a fault: record ids reused for different events.
    func notes() throws -> [String] {
        let s = try database.prepare("""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM processes GROUP BY host_id, record_key HAVING count(*) > 1))
                 + (SELECT count(*) FROM (SELECT 1 FROM network_connections GROUP BY host_id, record_key HAVING count(*) > 1))
                 + (SELECT count(*) FROM (SELECT 1 FROM lifecycle_events GROUP BY host_id, record_key HAVING count(*) > 1))
            """, purpose: "counting record ids that hold more than one event")
        guard try s.step(), case let keys = s.int64(0), keys > 0 else { return [] }
        return ["\(keys) record id\(keys == 1 ? "" : "s") of a host hold\(keys == 1 ? "s" : "") more than one event (reused ids: re-imaged or cloned hosts, a cleared log, or forged events); every one is kept: hunt stats warnings"]
    }
}
