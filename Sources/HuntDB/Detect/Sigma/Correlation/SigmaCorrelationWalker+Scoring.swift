import Model

/// What one time of a group gives, type by type, as `SigmaCorrelationSQL`'s `scored` and walk
/// decide it.
extension SigmaCorrelationWalker {
    // MARK: event_count, value_count, value_sum, value_avg, value_percentile

    /// Every event of the group at `time` ends the same window `[time − timespan, time]`; when
    /// its value meets the condition they are candidates, and the first of them (rule position,
    /// load order) alerts unless the group alerted within the timespan before (the walk's
    /// `next_ord`: the next alert is the first candidate more than a timespan after the last).
    func windowAlert(_ group: Group, peers: [Event], at time: Int64) throws -> Alert? {
        let window = group.window
        guard let value = try windowValue(window), holds(value) else { return nil }
        if let last = group.lastAlertTime, time <= last + span { return nil }
        let first = peers[0]
        return Alert(time: time, firstTime: window.first!.time, host: first.host, groups: first.groups, value: value,
                     eventsTotal: window.count, events: listed(window), input: first.input, order: first.order)
    }

    /// The window's aggregate as SQLite computes it: `count(*)`, `count(DISTINCT v)`, `sum(v)`
    /// (an integer unless some value is real; NULL without values), `avg(v)` (real), or the
    /// nearest-rank percentile (the ⌈P/100 × N⌉-th smallest value, at least the first; no value
    /// without values). NULL values are left out, as SQLite's aggregates do.
    func windowValue(_ window: ArraySlice<Event>) throws -> RowValue? {
        switch kind {
        case .eventCount:
            return .integer(Int64(window.count))
        case .valueCount:
            var distinct = Set<SigmaCorrelationKey.Single>()
            for event in window where event.value != .null { distinct.insert(.init(value: Self.sqliteDistinctKey(event.value))) }
            return .integer(Int64(distinct.count))
        case .valueSum:
            var integer: Int64 = 0, real = 0.0, anyReal = false, any = false
            for event in window {
                switch event.value {
                case .integer(let v):
                    any = true
                    real += Double(v)
                    let (sum, overflow) = integer.addingReportingOverflow(v)
                    if overflow, !anyReal { throw SigmaCorrelationWalkError(description: "integer overflow") }
                    integer = sum
                case .real(let v):
                    any = true
                    anyReal = true
                    real += v
                default: continue
                }
            }
            return any ? (anyReal ? .real(real) : .integer(integer)) : nil
        case .valueAvg:
            var sum = 0.0, count = 0
            for event in window {
                switch event.value {
                case .integer(let v): sum += Double(v); count += 1
                case .real(let v): sum += v; count += 1
                default: continue
                }
            }
            return count > 0 ? .real(sum / Double(count)) : nil
        case .valuePercentile:
            let values = window.map(\.value).filter { $0 != .null }.sorted(by: Self.sqliteNumericLess)
            guard !values.isEmpty else { return nil }
            let percentile = condition.percentile ?? 50
            let rank = percentile * Double(values.count) / 100.0
            let whole = Int(rank)
            let position = max(1, whole + (rank > Double(whole) ? 1 : 0))
            return position <= values.count ? values[position - 1] : nil
        case .temporal, .temporalOrdered:
            return nil
        }
    }

    /// An integral real and the same integer are one value to SQLite's DISTINCT.
    static func sqliteDistinctKey(_ value: RowValue) -> RowValue {
        if case .real(let v) = value, v == v.rounded(), abs(v) < 9.2e18 { return .integer(Int64(v)) }
        return value
    }

    /// SQLite's order of numbers (the value_* types other than value_count read number fields only).
    static func sqliteNumericLess(_ a: RowValue, _ b: RowValue) -> Bool {
        func number(_ value: RowValue) -> Double {
            switch value {
            case .integer(let v): return Double(v)
            case .real(let v): return v
            default: return .infinity
            }
        }
        if case .integer(let x) = a, case .integer(let y) = b { return x < y }
        return number(a) < number(b)
    }

    // MARK: temporal, temporal_ordered

    /// The temporal types step through the candidates of a group in order; a candidate alerts
    /// when its match starts after the last alert's time (the first always does).
    func temporalAlert(_ group: Group, peers: [Event], at time: Int64) throws -> Alert? {
        let window = group.window
        if kind == .temporal {
            // Per rule the latest event in the window; every event of this time ends the same one.
            var latest = [Int64?](repeating: nil, count: inputCount)
            for event in window { latest[event.input] = max(latest[event.input] ?? .min, event.time) }
            let present = latest.compactMap { $0 }
            let start = min(present.min() ?? time, time)
            guard holds(.integer(Int64(present.count))), startsAfterLastAlert(group, start) else { return nil }
            return alert(peers[0], start: start, value: present.count, times: latest, window: window, at: time)
        }
        if condition.onlyWholeChains(ruleCount: inputCount) {
            guard let first = peers.first(where: { $0.input == inputCount - 1 }), holds(.integer(Int64(inputCount))) else { return nil }
            var times = [Int64?](repeating: nil, count: inputCount)
            times[inputCount - 1] = time
            for rule in stride(from: inputCount - 2, through: 0, by: -1) {
                guard let found = latestTime(of: rule, atOrBefore: times[rule + 1]!, in: window) else { return nil }
                times[rule] = found
            }
            guard startsAfterLastAlert(group, times[0]!) else { return nil }
            return alert(first, start: times[0]!, value: inputCount, times: times, window: window, at: time)
        }
        for candidate in peers {
            guard let chain = longestChain(endingAt: candidate, in: window, at: time), holds(.integer(Int64(chain.value))) else { continue }
            if startsAfterLastAlert(group, chain.start) {
                return alert(candidate, start: chain.start, value: chain.value, times: chain.times, window: window, at: time)
            }
        }
        return nil
    }

    private func startsAfterLastAlert(_ group: Group, _ start: Int64) -> Bool {
        group.lastAlertTime.map { start > $0 } ?? true
    }

    /// The latest time of an event of `rule` in the window, no later than `limit`.
    private func latestTime(of rule: Int, atOrBefore limit: Int64, in window: ArraySlice<Event>) -> Int64? {
        for event in window.reversed() where event.input == rule && event.time <= limit { return event.time }
        return nil
    }

    /// Partial chains (`SigmaCorrelationSQL+PartialChains`): for every subset of the rules
    /// before the candidate's own, in the order of the subsets' bit masks, the backward chain of
    /// latest predecessors; the longest wins, then the one starting latest, then the first.
    private func longestChain(endingAt candidate: Event, in window: ArraySlice<Event>, at time: Int64)
        -> (value: Int, start: Int64, times: [Int64?])? {
        let end = candidate.input
        var best: (value: Int, start: Int64, times: [Int64?])?
        for mask in 0..<(1 << end) {
            var times = [Int64?](repeating: nil, count: inputCount)
            times[end] = time
            var previous = time, complete = true
            for rule in (0..<end).reversed() where mask & (1 << rule) != 0 {
                guard let found = latestTime(of: rule, atOrBefore: previous, in: window) else { complete = false; break }
                times[rule] = found
                previous = found
            }
            guard complete else { continue }
            let value = mask.nonzeroBitCount + 1
            if let current = best, current.value > value || (current.value == value && current.start >= previous) { continue }
            best = (value, previous, times)
        }
        return best
    }

    /// An alert of the temporal types: one event per rule in the match, the candidate for its
    /// own rule and, for the others, the event of that rule at its time (the last in load order).
    private func alert(_ candidate: Event, start: Int64, value: Int, times: [Int64?], window: ArraySlice<Event>, at time: Int64) -> Alert {
        var picks: [Event] = []
        for rule in 0..<inputCount {
            if kind == .temporalOrdered, rule == candidate.input {
                picks.append(candidate)
                continue
            }
            guard let at = times[rule] else { continue }
            var pick: Event?
            for event in window where event.input == rule && event.time == at {
                if pick.map({ $0.precedes(event) }) ?? true { pick = event }
            }
            if let pick { picks.append(pick) }
        }
        picks.sort { ($0.time, $0.input) < ($1.time, $1.input) }
        return Alert(time: time, firstTime: start, host: candidate.host, groups: candidate.groups, value: .integer(Int64(value)),
                     eventsTotal: value, events: listed(picks), input: candidate.input, order: candidate.order)
    }
}
