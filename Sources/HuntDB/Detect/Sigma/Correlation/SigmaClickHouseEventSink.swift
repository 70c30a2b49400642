import Model

/// The rows of `SigmaClickHouseCorrelation.eventsQuery` as the walker's events, each with its
/// `events` entry written as SQLite's correlation SQL writes it (`rule_id`, `event_kind`,
/// `time`, `entity_id`, `record_id`, `source`).
final class SigmaClickHouseEventSink: RowSink {
    private let ruleIDs: [String]
    private let kinds: [String]
    private let groupCount: Int
    private let hasValue: Bool
    private let add: (SigmaCorrelationWalker.Event) throws -> Void
    /// Each input's id and kind as JSON, written once.
    private let ruleIDJSON: [String]
    private let kindJSON: [String]

    init(ruleIDs: [String], kinds: [String], groupCount: Int, hasValue: Bool, add: @escaping (SigmaCorrelationWalker.Event) throws -> Void) {
        self.ruleIDs = ruleIDs
        self.kinds = kinds
        self.groupCount = groupCount
        self.hasValue = hasValue
        self.add = add
        ruleIDJSON = ruleIDs.map(SigmaCorrelationJSON.string)
        kindJSON = kinds.map(SigmaCorrelationJSON.string)
    }

    func begin(columns: [String]) throws {}

    /// `r, ts_us, source_id, source_record, host, g1…gK, [v], entity_id, record_id, source`.
    func write(_ row: [RowValue]) throws {
        guard case .integer(let r) = row[0], case .integer(let time) = row[1], ruleIDs.indices.contains(Int(r)) else {
            throw SigmaCorrelationWalkError(description: "the events query returned an unexpected row")
        }
        let input = Int(r)
        var order: (Int64, Int64) = (0, 0)
        if case .integer(let source) = row[2] { order.0 = source }
        if case .integer(let record) = row[3] { order.1 = record }
        let groups = Array(row[5..<(5 + groupCount)])
        var at = 5 + groupCount
        let value = hasValue ? row[at] : .null
        if hasValue { at += 1 }
        let entry = "{\"rule_id\":" + ruleIDJSON[input] + ",\"event_kind\":" + kindJSON[input]
            + ",\"time\":" + SigmaCorrelationJSON.string(SigmaCorrelationJSON.time(time))
            + ",\"entity_id\":" + SigmaCorrelationJSON.value(row[at])
            + ",\"record_id\":" + SigmaCorrelationJSON.value(row[at + 1])
            + ",\"source\":" + SigmaCorrelationJSON.value(row[at + 2]) + "}"
        try add(SigmaCorrelationWalker.Event(input: input, time: time, order: order, host: row[4].description,
                                             groups: groups, value: value, entry: entry))
    }

    func end() throws {}
}
