import Model

/// The batch plan of the context lookup: a batch's logons (and service installs) read once, in
/// time order, over the batch's whole window, instead of a B-tree seek per alert; the
/// connections of a destination read once for the run (`RemoteServiceContextQuery+Source.swift`).
///
/// Alerts come sorted by time, so a batch of 2,048 covers a short window: on a store with as
/// many logons as alerts the window holds a few logons per alert, read one after the other
/// (`logons_by_time`, `service_installs_by_time`). The lookup counts the window's rows first
/// (index only) and takes this plan only when they are few for the batch (`worthReading`);
/// sparse alerts (a day's window for a handful of alerts) keep their per-alert seeks.
/// Both plans choose the same row: the latest in the alert's own window, ties to the higher
/// event id (the per-alert statements order `ts_us DESC, event_id DESC`).
enum ContextPlan: Sendable {
    /// Batch plan when the window is dense enough, else per alert (the default).
    case automatic
    /// One seek (or short index range) per alert.
    case perAlert
    /// The batch's window read once, whatever its size.
    case batch
    /// Every logon read once for the run (a table scan), whatever the alerts; else as `batch`.
    case table
    /// As `automatic`, but never every logon for the run: what a load's refresh of the kept
    /// context uses (`ConnectionContextRefresh`), whose memory must stay bounded.
    case windowed

    /// Whether reading `rows` rows once beats `lookups` seeks: a seek costs about as much as
    /// reading four rows of a time range (BENCHMARKS.md, "alert context, session 7").
    func worthReading(rows: Int64, lookups: Int) -> Bool {
        switch self {
        case .automatic, .windowed: rows <= Int64(lookups) * 4
        case .perAlert: false
        case .batch, .table: true
        }
    }

    /// Whether reading all `rows` logons of the store once (in table order, for the run) beats
    /// reading a window per batch: a row of a table scan costs about a third of a row read
    /// through the time index, so when the rule is expected to make at least a quarter as
    /// many lookups as there are rows. Only a full batch (at least 512 lookups) is taken as a
    /// measure of the rule's density.
    func worthReadingAllLogons(rows: Int64, lookups: Int, expectedLookups: Double) -> Bool {
        switch self {
        case .automatic: lookups >= 512 && Double(rows) <= 4 * expectedLookups
        case .perAlert, .batch, .windowed: false
        case .table: true
        }
    }

    /// How many connections to one destination are worth reading once when `alerts` alerts
    /// of the run so far had it (`RemoteServiceContextQuery+Source.swift`): a row read in index
    /// order costs about a tenth of an alert's seek and two table rows, and the rows read serve
    /// every later alert of the destination (a services.exe endpoint has about two rows per
    /// alert over its life). At most 64 rows per alert seen: a rule that alerts on few of a
    /// destination's connections wastes at most a few seeks' worth per alert.
    func destinationRowsWorthReading(alerts: Int) -> Int64 {
        switch self {
        case .automatic, .windowed: max(256, Int64(alerts) * 64)
        case .perAlert: 0
        case .batch, .table: 256
        }
    }
}

/// A logon as the lookup needs it.
struct ContextLogon {
    let micros: Int64
    let eventID: Int64
    let user: String?
    let domain: String?
    let logonID: String?
    let type: Int64?
    let ip: String?
    let port: Int64?
}

/// The successful network / remote interactive logons of a time window, by host, oldest
/// first (ties by event id).
struct LogonWindow {
    private var byHost: [Int64: [ContextLogon]] = [:]

    /// Reads the logons with `from <= ts_us <= to` through `statement` (`?1`, `?2`).
    init(reading statement: Statement, from: Int64, to: Int64) throws {
        statement.reset()
        statement.bind(from, at: 1)
        statement.bind(to, at: 2)
        try self.init(rowsOf: statement)
    }

    /// Reads every row of `statement`, which has no parameters.
    init(readingAll statement: Statement) throws {
        statement.reset()
        try self.init(rowsOf: statement)
    }

    private init(rowsOf statement: Statement) throws {
        defer { statement.reset() }
        while try statement.step() {
            let logon = ContextLogon(micros: statement.int64(2), eventID: statement.int64(0), user: statement.text(3),
                                     domain: statement.text(4), logonID: statement.text(5),
                                     type: statement.isNull(6) ? nil : statement.int64(6), ip: statement.text(7),
                                     port: statement.isNull(8) ? nil : statement.int64(8))
            byHost[statement.int64(1), default: []].append(logon)
        }
        for host in byHost.keys {
            byHost[host]!.sort { ($0.micros, $0.eventID) < ($1.micros, $1.eventID) }
        }
    }

    /// The latest logon on `host` in [from, to] that `matches`, ties to the higher event id:
    /// what the per-alert statements return.
    func latest(host: Int64, from: Int64, to: Int64, where matches: (ContextLogon) -> Bool) -> ContextLogon? {
        guard let logons = byHost[host] else { return nil }
        var i = logons.partitionIndex { $0.micros > to } - 1
        while i >= 0, logons[i].micros >= from {
            if matches(logons[i]) { return logons[i] }
            i -= 1
        }
        return nil
    }
}

/// A service install (or ImagePath set) as the lookup needs it.
struct ContextServiceInstall {
    let micros: Int64
    let eventID: Int64
    let isRegistrySet: Bool
    let name: String?
    let image: String
}

/// The service installs with an image path of a time window, by host, in the order the
/// per-alert statement reads them backwards: time, then registry sets before installs, then
/// event id.
struct ServiceInstallWindow {
    private var byHost: [Int64: [ContextServiceInstall]] = [:]

    init(reading statement: Statement, from: Int64, to: Int64) throws {
        defer { statement.reset() }
        statement.reset()
        statement.bind(from, at: 1)
        statement.bind(to, at: 2)
        while try statement.step() {
            guard let image = statement.text(4) else { continue }
            let install = ContextServiceInstall(micros: statement.int64(2), eventID: statement.int64(0),
                                                isRegistrySet: statement.int64(5) == 13, name: statement.text(3), image: image)
            byHost[statement.int64(1), default: []].append(install)
        }
        for host in byHost.keys {
            byHost[host]!.sort { a, b in
                if a.micros != b.micros { return a.micros < b.micros }
                if a.isRegistrySet != b.isRegistrySet { return a.isRegistrySet }
                return a.eventID < b.eventID
            }
        }
    }

    /// The installs on `host` in [from, to], newest first (the per-alert statement's order).
    func newestFirst(host: Int64, from: Int64, to: Int64) -> ReversedCollection<ArraySlice<ContextServiceInstall>> {
        guard let installs = byHost[host] else { return ArraySlice<ContextServiceInstall>().reversed() }
        let lower = installs.partitionIndex { $0.micros >= from }
        let upper = installs.partitionIndex { $0.micros > to }
        return installs[lower..<max(lower, upper)].reversed()
    }
}

extension Array {
    /// The first index whose element satisfies `isAbove`, for a predicate false then true
    /// along the array (binary search); `count` when none does.
    func partitionIndex(where isAbove: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if isAbove(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
