/// `connection_context_state` (m0015, m0016): how far the kept alert context
/// (`connection_context` and `child_context`) took each event table into account, and where the
/// table is now. The refresh (`ConnectionContextRefresh`) starts from it; a rule run reads the kept
/// rows only when it is current (`StoredConnectionContexts`, `StoredChildContexts`).
struct ConnectionContextState {
    /// The greatest event id the kept rows took into account, and the table's now.
    struct Mark { let through: Int64; let now: Int64 }
    let built: Bool
    let network, logons, processes, evidence, services: Mark
    /// Whether rows changed in place since the last refresh (`connection_context_changes`).
    let changes: Bool

    init(_ database: Database) throws {
        let s = try database.prepare("""
            SELECT built, network_through, ifnull((SELECT max(event_id) FROM network_rows), 0),
                   logons_through, ifnull((SELECT max(event_id) FROM logons), 0),
                   processes_through, ifnull((SELECT max(event_id) FROM process_rows), 0),
                   evidence_through, ifnull((SELECT max(event_id) FROM command_line_evidence), 0),
                   services_through, ifnull((SELECT max(event_id) FROM service_installs), 0),
                   EXISTS (SELECT 1 FROM connection_context_changes)
            FROM connection_context_state
            """, purpose: "reading the state of the kept alert context")
        defer { s.reset() }
        guard try s.step() else {
            throw DatabaseError(code: 1, message: "connection_context_state has no row", purpose: "reading the state of the kept alert context")
        }
        built = s.int64(0) == 1
        network = Mark(through: s.int64(1), now: s.int64(2))
        logons = Mark(through: s.int64(3), now: s.int64(4))
        processes = Mark(through: s.int64(5), now: s.int64(6))
        evidence = Mark(through: s.int64(7), now: s.int64(8))
        services = Mark(through: s.int64(9), now: s.int64(10))
        changes = s.int64(11) == 1
    }

    /// Built, no event table has a row past what the last refresh took into account, and no
    /// row changed in place since.
    var isCurrent: Bool {
        built && !changes && [network, logons, processes, evidence, services].allSatisfy { $0.through == $0.now }
    }

    static func isCurrent(_ database: Database) throws -> Bool { try Self(database).isCurrent }
}
