import ArgumentParser
import Foundation
import HuntDB

/// Turns `--since/--until/--host` into the events a command looks at, the same way in every
/// command, and refuses to answer "nothing" silently: an unknown host is an error naming the
/// near matches, and a time range with no events says what range the database holds.
extension TimeRangeOptions {
    /// The scope over `store`: `--host` as the full name of the one host it names (a short name
    /// or host id works too; a short name several hosts share stays as typed, matching them all).
    /// - Throws: `Fatal` for a host the database does not hold.
    func scope(in store: any EventStore, location: String) throws -> EventScope {
        let (since, until) = try bounds()
        var scope = EventScope(sinceMicros: since, untilMicros: until, host: nil)
        if let host {
            scope.host = try Self.resolve(host: host, in: store, location: location)
        }
        if since != nil || until != nil { try Self.noteEmptyRange(scope, in: store) }
        return scope
    }

    /// `run` with its host resolved like `scope(in:location:)` does, and the same note when its
    /// time range holds no event.
    static func resolving(_ run: DetectionRun) throws -> DetectionRun {
        var options = run.options
        if let host = options.host { options.host = try resolve(host: host, in: run.store, location: run.store.location) }
        if options.sinceMicros != nil || options.untilMicros != nil { try noteEmptyRange(options.scope, in: run.store) }
        return DetectionRun(store: run.store, rules: run.rules, allowlist: run.allowlist, options: options)
    }

    /// The full name of the host `text` names, or `text` when it names several.
    static func resolve(host text: String, in store: any EventStore, location: String) throws -> String {
        let matching = try hostNames(in: store, EventScope(host: text))
        if matching.count == 1 { return matching[0] }
        if !matching.isEmpty { return text }
        let all = try hostNames(in: store, EventScope())
        let near = HostNearMatch.rank(text, among: all).prefix(5)
        var message = "no host \"\(text)\" in \(location) (--host takes a host's name, short name or host id)"
        message += near.isEmpty ? "." : "; did you mean \(near.joined(separator: ", "))?"
        message += all.isEmpty ? " The database holds no events yet." : " `hunt stats hosts --db \(location)` lists all \(all.count)."
        throw Fatal(message)
    }

    private static func hostNames(in store: any EventStore, _ scope: EventScope) throws -> [String] {
        let collector = HostNameCollector()
        do {
            try store.stats(.hosts, filter: scope, into: collector)
        } catch let error as StoreError {
            throw Fatal(error.description)
        }
        return collector.names
    }

    /// When the range holds no event, says on stderr what range the database (or host) holds.
    private static func noteEmptyRange(_ scope: EventScope, in store: any EventStore) throws {
        let inRange = SummaryCollector(), everything = SummaryCollector()
        try store.stats(.summary, filter: scope, into: inRange)
        guard inRange.events == 0 else { return }
        try store.stats(.summary, filter: EventScope(host: scope.host), into: everything)
        let whose = scope.host.map { " of \($0)" } ?? ""
        if let first = everything.first, let last = everything.last {
            printError("note: no events\(whose) in the range given; the database holds events\(whose) from \(Timestamp.iso8601(micros: first)) to \(Timestamp.iso8601(micros: last)) (relative times like 7d count back from now).")
        }
    }
}

/// Host names from `hunt stats hosts` rows.
private final class HostNameCollector: RowSink {
    var names: [String] = []
    private var column = 0
    func begin(columns: [String]) throws { column = columns.firstIndex(of: "host") ?? 0 }
    func write(_ row: [RowValue]) throws { names.append(row[column].description) }
    func end() throws {}
}

/// The `all` row of `hunt stats summary`: how many events, first and last time.
private final class SummaryCollector: RowSink {
    var events: Int64 = 0
    var first: Int64?
    var last: Int64?
    private var columns: [String] = []
    func begin(columns: [String]) throws { self.columns = columns }
    func write(_ row: [RowValue]) throws {
        func value(_ name: String) -> RowValue? { columns.firstIndex(of: name).map { row[$0] } }
        guard value("kind") == .text("all") else { return }
        if case .integer(let n)? = value("events") { events = n }
        if case .integer(let t)? = value("first_ts_us") { first = t }
        if case .integer(let t)? = value("last_ts_us") { last = t }
    }
    func end() throws {}
}

/// Host names close to what was typed: same start, containing it, or a few edits away.
enum HostNearMatch {
    static func rank(_ typed: String, among names: [String]) -> [String] {
        let query = typed.lowercased()
        let scored: [(String, Int)] = names.compactMap { name in
            let lower = name.lowercased()
            let short = lower.split(separator: ".").first.map(String.init) ?? lower
            if lower.contains(query) || query.contains(short) { return (name, 0) }
            let distance = min(editDistance(query, short), editDistance(query, lower))
            return distance <= max(2, query.count / 3) ? (name, distance) : nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
