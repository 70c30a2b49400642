import Model

/// Per event table and host, the latest event time the store holds: read once when a load
/// starts, then raised by the load's own commits.
///
/// An event later than that cannot be stored yet (by this load or an earlier one), so the load
/// need not ask the server about it. A load running at the same time as another one may still
/// write a copy the other wrote; ReplacingMergeTree collapses it, and every read sees one copy
/// (FINAL, or the latest copy by event id).
struct LatestStoredTimes {
    private var byTable: [ClickHouseEventRow.Table: [Int64: Int64]] = [:]

    init() {}

    /// Reads the latest time per host of every event table (one aggregate per table).
    init(client: ClickHouseClient) throws {
        for table in ClickHouseEventRow.Table.allCases {
            let rows = try client.select("SELECT host_id, max(ts_us) FROM \(table.rawValue) GROUP BY host_id",
                                         purpose: "reading the latest event time per host in \(table.rawValue)").rows
            for row in rows {
                guard case .integer(let host) = row[0], case .integer(let latest) = row[1] else { continue }
                byTable[table, default: [:]][host] = latest
            }
        }
    }

    /// Whether the table may hold an event with this identity: its `ts_key` is not after the
    /// host's latest time (a copy in another precision shares the `ts_key`, and its time is at
    /// or after it).
    func mayHold(_ table: ClickHouseEventRow.Table, _ identity: ClickHouseEventRow.Identity) -> Bool {
        guard let latest = byTable[table]?[identity.hostID] else { return false }
        return identity.tsKey <= latest
    }

    /// Counts an event as stored.
    mutating func raise(_ table: ClickHouseEventRow.Table, _ identity: ClickHouseEventRow.Identity) {
        byTable[table, default: [:]][identity.hostID] = max(byTable[table]?[identity.hostID] ?? .min, identity.tsMicros)
    }

    /// Counts every event of `other` as stored.
    mutating func raise(to other: LatestStoredTimes) {
        for (table, hosts) in other.byTable {
            for (host, latest) in hosts {
                byTable[table, default: [:]][host] = max(byTable[table]?[host] ?? .min, latest)
            }
        }
    }
}
