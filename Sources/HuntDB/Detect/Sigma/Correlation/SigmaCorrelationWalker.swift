import Model

/// A correlation's matches found in Swift from its events in time order, with the meaning of
/// `SigmaCorrelationSQL` (README "Sigma correlations"): ClickHouse 18.16 has no window
/// functions and no recursive queries, so there the server filters the referenced rules' events
/// and streams them by time, and this walker does what SQLite's `scored`, `candidates` and
/// `walk` do. SQLite's SQL does not use it; `ClickHouseSigmaCorrelationCLITests` compares its
/// alerts with SQLite's.
///
/// Events arrive one time at a time (`close(_:)` takes every event of one time, of every
/// group): a window `[t − timespan, t]` holds every event of its group at `t`, so a time is
/// decided once all its events are in. Each group keeps only the events of its last timespan;
/// a group without an event for longer than a timespan is dropped (a match after that starts
/// after its last alert anyway). Alerts come out in SQLite's order: time, then the alerting
/// event's rule position and load order.
struct SigmaCorrelationWalker {
    /// One event of an input: a referenced rule's matching event or a referenced correlation's alert.
    struct Event {
        /// The input's position in `rules` (SQLite's `r`).
        var input: Int
        var time: Int64
        /// Ties between events of one input at one time, in SQLite's event id order: load order
        /// (source, record), or a referenced correlation's alert number.
        var order: (Int64, Int64)
        var host: String
        /// The group values, in `group-by` order (never NULL: such events take part in no group).
        var groups: [RowValue]
        /// `condition.field`'s value (value_* types), else null.
        var value: RowValue
        /// What its entry in an alert's `events` shows, written only when an alert lists it.
        var entry: Entry

        func precedes(_ other: Event) -> Bool {
            (input, order.0, order.1) < (other.input, other.order.0, other.order.1)
        }
    }

    /// An event's entry in `events`: a referenced correlation's alert as JSON text, or a rule's
    /// event (`rule_id`, `event_kind` and `time` come from the input and the event).
    enum Entry {
        case json(String)
        case event(entityID: RowValue, recordID: RowValue, source: RowValue)
    }

    /// One alert: a completed match.
    struct Alert {
        var time: Int64
        var firstTime: Int64
        var host: String
        var groups: [RowValue]
        var value: RowValue
        var eventsTotal: Int
        /// The listed events' entries (at most `maxEvents`), in time order.
        var events: [String]
        /// The alerting event, for the order of alerts of one time.
        var input: Int
        var order: (Int64, Int64)
    }

    /// A group's recent events (time order, then rule position and load order) and its last alert.
    final class Group {
        var events: [Event] = []
        var head = 0
        var lastAlertTime: Int64?

        var window: ArraySlice<Event> { events[head...] }
        var newest: Int64 { events.last?.time ?? .min }

        /// Forgets the events before `start`.
        func trim(before start: Int64) {
            while head < events.count, events[head].time < start { head += 1 }
            if head > 64, head * 2 > events.count {
                events.removeFirst(head)
                head = 0
            }
        }
    }

    let kind: SigmaCorrelation.Kind
    let inputCount: Int
    let condition: SigmaCorrelationCondition
    let span: Int64
    /// How many events an alert lists (0 or less: all).
    let maxEvents: Int64
    /// Per input, the start of its events' entries: `{"rule_id":…,"event_kind":…`.
    let entryHeads: [String]
    private var groups: [SigmaCorrelationKey: Group] = [:]
    private var closedTimes = 0

    init(correlation: SigmaCorrelation, inputs: [SigmaCorrelationInput], maxEvents: Int64) {
        kind = correlation.kind
        inputCount = inputs.count
        entryHeads = inputs.map { "{\"rule_id\":" + SigmaCorrelationJSON.string($0.ruleID) + ",\"event_kind\":" + SigmaCorrelationJSON.string($0.eventKindText) }
        condition = correlation.condition
        span = correlation.timespanMicros
        self.maxEvents = maxEvents
    }

    /// Takes every event of one time (later than any before) and returns the alerts of that time.
    /// - Throws: `SigmaCorrelationWalkError` when a sum leaves the 64-bit integers (SQLite fails the same way).
    mutating func close(_ batch: [Event]) throws -> [Alert] {
        guard let time = batch.first?.time else { return [] }
        // The events of each group, in order of their group's first event (one event: no grouping to do).
        var byGroup: [SigmaCorrelationKey: [Event]] = [:]
        var keys: [SigmaCorrelationKey] = []
        if batch.count == 1 {
            keys = [SigmaCorrelationKey(batch[0].groups)]
        } else {
            for event in batch {
                let key = SigmaCorrelationKey(event.groups)
                if byGroup[key] == nil { keys.append(key) }
                byGroup[key, default: []].append(event)
            }
        }
        var alerts: [Alert] = []
        for key in keys {
            let peers = batch.count == 1 ? batch : byGroup[key]!.sorted { $0.precedes($1) }
            let group: Group
            if let found = groups[key] { group = found } else { group = Group(); groups[key] = group }
            group.trim(before: time - span)
            group.events.append(contentsOf: peers)
            if let alert = try (kind.isTemporal ? temporalAlert(group, peers: peers, at: time) : windowAlert(group, peers: peers, at: time)) {
                group.lastAlertTime = time
                alerts.append(alert)
            }
        }
        closedTimes += 1
        if closedTimes % 4096 == 0 { groups = groups.filter { $0.value.newest >= time - span } }
        return alerts.sorted { ($0.input, $0.order.0, $0.order.1) < ($1.input, $1.order.0, $1.order.1) }
    }

    /// Whether the condition holds for a value (SQLite: `value IS NOT NULL AND value op limit …`).
    func holds(_ value: RowValue) -> Bool {
        let number: Double
        switch value {
        case .integer(let v): number = Double(v)
        case .real(let v): number = v
        default: return false
        }
        return condition.comparisons.allSatisfy { $0.0.holds(number, $0.1) }
    }

    /// The first `maxEvents` of `events` (all when `maxEvents` ≤ 0).
    func listed<C: Collection>(_ events: C) -> [String] where C.Element == Event {
        (maxEvents > 0 ? Array(events.prefix(Int(clamping: maxEvents))) : Array(events)).map(entry)
    }

    /// An event's entry as SQLite's correlation SQL writes it.
    func entry(_ event: Event) -> String {
        switch event.entry {
        case .json(let text): return text
        case .event(let entityID, let recordID, let source):
            return entryHeads[event.input] + ",\"time\":" + SigmaCorrelationJSON.string(SigmaCorrelationJSON.time(event.time))
                + ",\"entity_id\":" + SigmaCorrelationJSON.value(entityID) + ",\"record_id\":" + SigmaCorrelationJSON.value(recordID)
                + ",\"source\":" + SigmaCorrelationJSON.value(source) + "}"
        }
    }
}

/// A correlation's value the walker cannot compute as SQLite does.
struct SigmaCorrelationWalkError: Error, CustomStringConvertible {
    let description: String
}
