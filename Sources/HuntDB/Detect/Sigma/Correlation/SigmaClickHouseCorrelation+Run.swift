import Model
import Store

/// Running a correlation on ClickHouse: referenced correlations first (their alerts, held in
/// memory, are this one's events of their inputs), then this correlation's events query,
/// streamed by time into the walker together with those alerts; alerts are written as the
/// walker finds them, in SQLite's order, with SQLite's columns and JSON.
extension SigmaClickHouseCorrelation {
    /// The alert columns of the correlation's SQL (`SigmaCorrelationSQL+Alerts`' final select).
    static let alertColumns = ["host", "time", "first_time", "correlation_type", "group", "value", "events_total", "events", "tags"]

    /// The prefix of the values the ClickHouse queries bind (SQLite's are named without it).
    static let bindingPrefix = "ch_"

    /// Finds the alerts and hands each to `emit`, in order.
    func walk(on store: any EventStore, parameters: [String: RowValue], prefix: String, purpose: String,
              emit: (SigmaCorrelationWalker.Alert) throws -> Void) throws {
        let maxEvents: Int64
        if case .integer(let limit) = parameters["max_events"] ?? .null { maxEvents = limit } else { maxEvents = Int64(SigmaCompiledCorrelation.defaultMaxEvents) }
        let walker = SigmaCorrelationWalker(correlation: compiled.correlation, inputs: compiled.inputs, maxEvents: maxEvents)
        // The referenced correlations' alerts as events, in time order.
        var referenced: [SigmaCorrelationWalker.Event] = []
        for (index, input) in inputs.enumerated() {
            guard case .correlation(let inner, let positions) = input else { continue }
            var number: Int64 = 0
            try inner.walk(on: store, parameters: parameters, prefix: "\(prefix)n\(index)_", purpose: purpose) { alert in
                number += 1
                referenced.append(SigmaCorrelationWalker.Event(
                    input: index, time: alert.time, order: (number, 0), host: alert.host,
                    groups: positions.map { alert.groups[$0] }, value: .null,
                    entry: .json(inner.detail(alert, ruleID: inner.ruleID))))
            }
        }
        referenced.sort { $0.time < $1.time }
        try withoutActuallyEscaping(emit) { emit in
            let feed = SigmaCorrelationFeed(walker: walker, referenced: referenced, emit: emit)
            if let (sql, _) = eventsQuery(prefix: prefix) {
                let sink = SigmaClickHouseEventSink(inputs: compiled.inputs.count, groupCount: compiled.correlation.groupBy.count,
                                                    hasValue: compiled.correlation.condition.field != nil, add: feed.add)
                _ = try store.runRule(sql: sql, parameters: parameters, purpose: purpose, into: sink)
            }
            try feed.finish()
        }
    }

    /// An alert of this correlation as one `events` entry of a correlation that references it
    /// (the SQL's `detail`, with the referencing one's `rule_id` set).
    func detail(_ alert: SigmaCorrelationWalker.Alert, ruleID: String) -> String {
        SigmaCorrelationJSON.object([
            ("rule_id", SigmaCorrelationJSON.string(ruleID)),
            ("event_kind", SigmaCorrelationJSON.string("correlation")),
            ("time", SigmaCorrelationJSON.string(SigmaCorrelationJSON.time(alert.time))),
            ("first_time", SigmaCorrelationJSON.string(SigmaCorrelationJSON.time(alert.firstTime))),
            ("host", SigmaCorrelationJSON.string(alert.host)),
            ("correlation_type", SigmaCorrelationJSON.string(compiled.correlation.kind.rawValue)),
            ("group", group(alert)),
            ("value", SigmaCorrelationJSON.value(alert.value)),
            ("events_total", String(alert.eventsTotal)),
            ("events", SigmaCorrelationJSON.array(alert.events)),
        ])
    }

    /// The alert's `group`: each group-by name and the match's value.
    func group(_ alert: SigmaCorrelationWalker.Alert) -> String {
        SigmaCorrelationJSON.object(zip(compiled.correlation.groupBy, alert.groups).map { ($0, SigmaCorrelationJSON.value($1)) })
    }

    /// The alert as the row of the correlation's SQL.
    func row(_ alert: SigmaCorrelationWalker.Alert) -> [RowValue] {
        [.text(alert.host), .integer(alert.time), .integer(alert.firstTime), .text(compiled.correlation.kind.rawValue),
         .text(group(alert)), alert.value, .integer(Int64(alert.eventsTotal)), .text(SigmaCorrelationJSON.array(alert.events)),
         .text(compiled.correlation.tags.joined(separator: ", "))]
    }
}

/// The correlation as a detection program: the engine runs it on ClickHouse in place of SQL.
struct SigmaClickHouseCorrelationProgram: DetectionProgram {
    let correlation: SigmaClickHouseCorrelation

    func run(on store: any EventStore, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws {
        try sink.begin(columns: SigmaClickHouseCorrelation.alertColumns)
        do {
            try correlation.walk(on: store, parameters: parameters, prefix: SigmaClickHouseCorrelation.bindingPrefix, purpose: purpose) { try sink.write(correlation.row($0)) }
        } catch let error as SigmaCorrelationWalkError {
            throw StoreError.failed(engine: "hunt", code: 0, message: error.description, purpose: purpose)
        }
        try sink.end()
    }
}

/// Merges the events of the query (by time) with the referenced correlations' alerts and
/// hands the walker one time at a time.
final class SigmaCorrelationFeed {
    var walker: SigmaCorrelationWalker
    private var referenced: [SigmaCorrelationWalker.Event]
    private var next = 0
    private var batch: [SigmaCorrelationWalker.Event] = []
    private let emit: (SigmaCorrelationWalker.Alert) throws -> Void

    init(walker: SigmaCorrelationWalker, referenced: [SigmaCorrelationWalker.Event], emit: @escaping (SigmaCorrelationWalker.Alert) throws -> Void) {
        self.walker = walker
        self.referenced = referenced
        self.emit = emit
    }

    func add(_ event: SigmaCorrelationWalker.Event) throws {
        while next < referenced.count, referenced[next].time <= event.time {
            try push(referenced[next])
            next += 1
        }
        try push(event)
    }

    func finish() throws {
        while next < referenced.count {
            try push(referenced[next])
            next += 1
        }
        try close()
    }

    private func push(_ event: SigmaCorrelationWalker.Event) throws {
        if let time = batch.first?.time, time != event.time { try close() }
        batch.append(event)
    }

    private func close() throws {
        guard !batch.isEmpty else { return }
        for alert in try walker.close(batch) { try emit(alert) }
        batch.removeAll(keepingCapacity: true)
    }
}
