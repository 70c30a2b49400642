import Model

/// The rows of `SigmaClickHouseCorrelation.eventsQuery` as the walker's events (their
/// `events` entries are written by the walker, only for the events an alert lists).
final class SigmaClickHouseEventSink: RowSink {
    private let inputs: Int
    private let groupCount: Int
    private let hasValue: Bool
    private let add: (SigmaCorrelationWalker.Event) throws -> Void

    init(inputs: Int, groupCount: Int, hasValue: Bool, add: @escaping (SigmaCorrelationWalker.Event) throws -> Void) {
        self.inputs = inputs
        self.groupCount = groupCount
        self.hasValue = hasValue
        self.add = add
    }

    func begin(columns: [String]) throws {}

    /// `r, ts_us, source_id, source_record, host, g1…gK, [v], entity_id, record_id, source`.
    func write(_ row: [RowValue]) throws {
        guard case .integer(let r) = row[0], case .integer(let time) = row[1], (0..<inputs).contains(Int(r)) else {
            throw SigmaCorrelationWalkError(description: "the events query returned an unexpected row")
        }
        var order: (Int64, Int64) = (0, 0)
        if case .integer(let source) = row[2] { order.0 = source }
        if case .integer(let record) = row[3] { order.1 = record }
        let groups = Array(row[5..<(5 + groupCount)])
        var at = 5 + groupCount
        let value = hasValue ? row[at] : .null
        if hasValue { at += 1 }
        try add(SigmaCorrelationWalker.Event(input: Int(r), time: time, order: order, host: row[4].description, groups: groups, value: value,
                                             entry: .event(entityID: row[at], recordID: row[at + 1], source: row[at + 2])))
    }

    func end() throws {}
}
