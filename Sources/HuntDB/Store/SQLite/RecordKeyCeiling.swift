import Model

/// The greatest integer record key each host holds in an event table, so that storing an event
/// whose key lies above it needs no look-up for the same event (a duplicate) or another event
/// under the same key (a collision).
///
/// Sysmon's record ids grow with every event a host logs, so on a normal load every new key is
/// above what the host holds and the collision check is free; an overlapping export, a cleared
/// log or a second channel falls back to the look-up. Another process may store events between
/// two of our transactions, so the ceilings are read again in each transaction (`forget`).
final class RecordKeyCeiling {
    private let highest: Statement
    /// Per host: the greatest integer key stored, or nil when the host holds none.
    private var ceilings: [Int64: Int64?] = [:]

    /// The event tables a ceiling is kept for.
    enum Table {
        case processRows, networkRows

        // Integers sort before text and blobs, so `< ''` keeps the integer keys; the
        // (host_id, record_key) index (processes_by_record, network_by_record) answers it with one seek.
        fileprivate var highestSQL: String {
            switch self {
            case .processRows:
                "SELECT record_key FROM process_rows WHERE host_id = ?1 AND record_key < '' ORDER BY record_key DESC LIMIT 1"
            case .networkRows:
                "SELECT record_key FROM network_rows WHERE host_id = ?1 AND record_key < '' ORDER BY record_key DESC LIMIT 1"
            }
        }
    }

    init(database: Database, table: Table) throws {
        highest = try database.prepare(table.highestSQL, purpose: "reading a host's greatest record key", persistent: true)
    }

    /// Whether `key`, about to be stored for `hostID`, may be held by a stored event; false only
    /// when it is an integer above every integer key the host holds. Counts the key as stored.
    func mayCollide(_ key: RecordKey, hostID: Int64) throws -> Bool {
        guard case .sysmonRecord(let value) = key else { return true }
        if let known = ceilings[hostID] {
            ceilings[hostID] = max(known ?? value, value)
            guard let known else { return false }
            return value <= known
        }
        // First event of the host in this transaction: read the host's greatest key.
        let stored = try greatestStored(hostID: hostID)
        ceilings[hostID] = max(stored ?? value, value)
        guard let stored else { return false }
        return value <= stored
    }

    /// Forgets every ceiling (a new transaction, or a rollback).
    func forget() {
        ceilings.removeAll()
    }

    private func greatestStored(hostID: Int64) throws -> Int64? {
        defer { highest.reset() }
        highest.bind(hostID, at: 1)
        return try highest.step() ? highest.int64(0) : nil
    }
}
