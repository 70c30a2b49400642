import Model

/// The events a card's alerts are made of: the children's starts and the connections to
/// services.exe they were paired with. The timeline highlights them.
public struct AlertEvents: Sendable {
    private var children = Set<String>()
    private var connections = Set<String>()

    public init(_ card: AlertCard) {
        for alert in card.alerts {
            if let child = alert["child_entity_id"] { children.insert(child.lowercased()) }
            if let services = alert["services_entity_id"], let time = alert["network_time"].flatMap(Timestamp.parseMicros) {
                connections.insert("\(services.lowercased())@\(time)")
            }
        }
    }

    /// Whether a row of `host_timeline` (columns kind, entity_id, ts_us) is one of them.
    public func contains(_ row: [RowValue], in table: ReportTable) -> Bool {
        let entity = table.value(row, "entity_id").description.lowercased()
        guard !entity.isEmpty else { return false }
        if table.value(row, "kind").description == "process" { return children.contains(entity) }
        guard case .integer(let time) = table.value(row, "ts_us") else { return false }
        return connections.contains("\(entity)@\(time)")
    }
}

/// Shortens a host timeline to what a card can show: every event of the alert itself and the
/// events nearest its time, in time order.
enum TimelineCut {
    /// The kept table and how many events were left out.
    static func keep(_ table: ReportTable, limit: Int, at: Int64, events: AlertEvents) -> (ReportTable, Int) {
        guard table.rows.count > limit, let ts = table.index(of: "ts_us") else { return (table, 0) }
        func distance(_ row: [RowValue]) -> Int64 {
            if case .integer(let t) = row[ts] { return abs(t - at) }
            return .max
        }
        let highlighted = table.rows.map { events.contains($0, in: table) }
        let ranked = table.rows.indices.sorted { a, b in
            if highlighted[a] != highlighted[b] { return highlighted[a] }
            let (da, db) = (distance(table.rows[a]), distance(table.rows[b]))
            return da != db ? da < db : a < b
        }
        let kept = Set(ranked.prefix(max(limit, 0)))
        var cut = table
        cut.rows = table.rows.indices.filter(kept.contains).map { table.rows[$0] }
        return (cut, table.rows.count - cut.rows.count)
    }
}
