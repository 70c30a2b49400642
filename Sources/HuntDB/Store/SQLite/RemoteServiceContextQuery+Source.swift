import Model

/// The source side of the alert context: the other host's outgoing connection that is the
/// alert's incoming one (same addresses and ports, reversed; clocks apart by up to the
/// tolerance), and the process that made it.
///
/// Two plans choose the same connection (`chooseSource`: the most precise time, then the
/// closest, then the lowest event id):
/// - per alert, one seek of `network_by_source` (source address and port; the time is read from the rows);
/// - per destination: an alert with a destination (address and port) can only be matched by a
///   connection to that destination, so the connections to it are read once, through
///   `network_by_destination`, and kept for the run while alerts may still need them. A
///   services.exe endpoint (its RPC port lives as long as the host's boot) then costs one
///   index range for all its alerts instead of a seek and two table rows for each. The rows of
///   a destination are counted first (index only); a destination with many rows for few
///   alerts of the batch keeps the per-alert seeks.
extension RemoteServiceContextQuery {
    /// Reads the destinations of the batch's alerts that are worth reading once
    /// (`ContextPlan.worthReadingDestination`), and forgets those no alert of the batch can
    /// still match (alerts come in time order, mostly: a forgotten one is read again if needed).
    func readDestinations(of requests: [RemoteServiceContextRequest]) throws {
        guard plan != .perAlert else { return }
        var alerts: [DestinationKey: Int] = [:]
        var earliest = Int64.max
        for r in requests {
            guard let ip = r.destinationIP, let port = r.destinationPort, let anchor = r.connectionMicros ?? r.childMicros else { continue }
            guard let ref = try stringID(ip) else { continue }
            alerts[DestinationKey(ipRef: ref, port: port), default: 0] += 1
            earliest = min(earliest, anchor)
        }
        // An alert's source connection is within the tolerance of its anchor (the connection,
        // or the logon: at most logon_before earlier).
        let horizon = earliest == .max ? Int64.min : earliest - windows.logonBefore - windows.clockTolerance
        destinations = destinations.filter { key, kept in alerts[key] != nil || kept.latestMicros >= horizon }
        for (key, count) in alerts where destinations[key] == nil {
            // Alerts of this destination so far: a destination read serves them all from now on.
            let seen = (destinationAlerts[key] ?? 0) + count
            destinationAlerts[key] = seen
            let limit = plan.destinationRowsWorthReading(alerts: seen)
            if let atLeast = destinationRowsAtLeast[key], atLeast > limit { continue }
            let rows = try statements.countDestination.firstInteger(.integer(key.ipRef), .integer(key.port), .integer(limit + 1)) ?? 0
            destinationRowsAtLeast[key] = rows
            if plan == .batch || plan == .table || rows <= limit {
                destinations[key] = try DestinationConnections(reading: statements.connectionsToDestination, key)
            }
        }
    }

    /// The source connection of `r` and its process: into `c`.
    func source(host: Int64, ipRef: Int64, port: Int64, anchor: Int64, request r: RemoteServiceContextRequest,
                into c: inout RemoteServiceContext, dependencies d: inout ContextDependencies) throws {
        let destinationRef: Int64? = try r.destinationIP.map { try stringID($0) ?? -1 }
        let outgoing = try outgoingDirection()
        let from = anchor - windows.clockTolerance, to = anchor + windows.clockTolerance
        let filter = SourceFilter(targetHost: host, anchor: anchor, outgoingRef: outgoing, destinationRef: destinationRef,
                                  destinationPort: r.destinationPort)
        let found: SourceConnection?
        if let destinationRef, let destinationPort = r.destinationPort,
           let kept = destinations[DestinationKey(ipRef: destinationRef, port: destinationPort)] {
            found = filter.best(of: kept.candidates(ipRef: ipRef, port: port, from: from, to: to))
        } else {
            found = try filter.best(of: seekCandidates(ipRef: ipRef, port: port, from: from, to: to))
        }
        guard let e = found else { return }
        d.source = (eventID: e.eventID, host: e.host, entity: e.entity, micros: e.micros)
        c.sourceHost = try hostName(e.host)
        c.sourceExecutable = try e.executable.flatMap(string)
        c.sourceClockOffsetMillis = (e.micros - anchor + (e.micros - anchor >= 0 ? 500 : -500)) / 1000
        if let entityID = try statements.entityValue.firstText(e.entity) {
            c.sourceEntityID = entityID
            c.sourceCommandLine = try firstStartCommandLine(host: e.host, entity: e.entity)
        }
        if c.sourceCommandLine == nil {
            // Sysmon 3 sometimes lacks the pid (NXLog exports): the same connection's other
            // record on that host (Security 5156) gives it.
            let pid = try e.pid ?? statements.pidOfConnection.firstInteger(.integer(port), .integer(ipRef), .integer(e.host), .integer(from), .integer(to))
            d.sourcePid = pid
            c.sourceCommandLine = try evidenceCommandLine(host: e.host, pid: pid, at: e.micros)
        }
    }

    /// The connections with this source address and port in [from, to], any host, in index order.
    private func seekCandidates(ipRef: Int64, port: Int64, from: Int64, to: Int64) throws -> [SourceConnection] {
        let n = statements.connectionsBySource
        defer { n.reset() }
        n.reset()
        n.bind(port, at: 1)
        n.bind(ipRef, at: 2)
        n.bind(from, at: 3)
        n.bind(to, at: 4)
        var found: [SourceConnection] = []
        while try n.step() {
            found.append(SourceConnection(eventID: n.int64(0), host: n.int64(1), micros: n.int64(2), precision: n.int64(3),
                                         pid: n.optionalInt64(4), entity: n.int64(5), direction: n.optionalInt64(6),
                                         destinationRef: n.optionalInt64(7), destinationPort: n.optionalInt64(8),
                                         executable: n.optionalInt64(9)))
        }
        return found
    }

    /// The command line of the process's first start record on `host` (the earliest, ties to
    /// the lowest event id), nil when it has none.
    private func firstStartCommandLine(host: Int64, entity: Int64) throws -> String? {
        let p = statements.processStarts
        defer { p.reset() }
        p.reset()
        p.bind(host, at: 1)
        p.bind(entity, at: 2)
        var first: (micros: Int64, commandLine: Int64?)?
        while try p.step() {
            let micros = p.int64(0)
            if let f = first, f.micros <= micros { continue }
            first = (micros, p.optionalInt64(1))
        }
        guard let ref = first?.commandLine else { return nil }
        return try text(ref)
    }

    /// The command line of a process whose start was not recorded: command-line evidence of
    /// the same host and pid, the closest to the connection.
    private func evidenceCommandLine(host: Int64, pid: Int64?, at ts: Int64) throws -> String? {
        guard let pid else { return nil }
        let x = statements.commandLineEvidence
        defer { x.reset() }
        x.reset()
        x.bind(host, at: 1)
        x.bind(pid, at: 2)
        x.bind(ts - windows.evidenceWindow, at: 3)
        x.bind(ts + windows.evidenceWindow, at: 4)
        x.bind(ts, at: 5)
        return try x.step() ? x.text(0) : nil
    }
}

/// A destination of connections: its address (a `strings` id) and port.
struct DestinationKey: Hashable {
    let ipRef: Int64
    let port: Int64
}

/// A connection that may be the source side of an alert's connection.
struct SourceConnection {
    let eventID: Int64
    let host: Int64
    let micros: Int64
    let precision: Int64
    let pid: Int64?
    let entity: Int64
    let direction: Int64?
    let destinationRef: Int64?
    let destinationPort: Int64?
    let executable: Int64?
}

/// Which candidates may be the source side of one alert's connection, and which of them is.
struct SourceFilter {
    let targetHost: Int64
    let anchor: Int64
    let outgoingRef: Int64?
    let destinationRef: Int64?
    let destinationPort: Int64?

    /// Another host's connection, outgoing (or of unknown direction), to the alert's
    /// destination when it has one.
    func admits(_ e: SourceConnection) -> Bool {
        guard e.host != targetHost else { return false }
        if let direction = e.direction {
            guard let outgoingRef, direction == outgoingRef else { return false }
        }
        if let destinationRef, e.destinationRef != destinationRef { return false }
        if let destinationPort, e.destinationPort != destinationPort { return false }
        return true
    }

    /// The most precise, then the closest to the anchor, then the first loaded.
    func best<C: Sequence>(of candidates: C) -> SourceConnection? where C.Element == SourceConnection {
        var best: (SourceConnection, precision: Int64, distance: Int64)?
        for e in candidates where admits(e) {
            let distance = abs(e.micros - anchor)
            if let b = best, (b.precision, b.distance, b.0.eventID) <= (e.precision, distance, e.eventID) { continue }
            best = (e, e.precision, distance)
        }
        return best?.0
    }
}

/// The connections to one destination, by source address and port, each list in time order.
struct DestinationConnections {
    private var bySource: [DestinationKey: [SourceConnection]] = [:]
    /// The latest connection's time.
    private(set) var latestMicros = Int64.min

    /// Reads the connections to `destination` through `statement` (`?1` address id, `?2` port).
    init(reading statement: Statement, _ destination: DestinationKey) throws {
        defer { statement.reset() }
        statement.reset()
        statement.bind(destination.ipRef, at: 1)
        statement.bind(destination.port, at: 2)
        while try statement.step() {
            guard !statement.isNull(7), !statement.isNull(8) else { continue }
            let e = SourceConnection(eventID: statement.int64(0), host: statement.int64(1), micros: statement.int64(2),
                                    precision: statement.int64(3), pid: statement.optionalInt64(4), entity: statement.int64(5),
                                    direction: statement.optionalInt64(6), destinationRef: destination.ipRef,
                                    destinationPort: destination.port, executable: statement.optionalInt64(9))
            bySource[DestinationKey(ipRef: statement.int64(7), port: statement.int64(8)), default: []].append(e)
            latestMicros = max(latestMicros, e.micros)
        }
        for key in bySource.keys {
            bySource[key]!.sort { ($0.micros, $0.eventID) < ($1.micros, $1.eventID) }
        }
    }

    /// The connections from `ipRef`:`port` with `from <= ts_us <= to`.
    func candidates(ipRef: Int64, port: Int64, from: Int64, to: Int64) -> ArraySlice<SourceConnection> {
        guard let all = bySource[DestinationKey(ipRef: ipRef, port: port)] else { return [] }
        let lower = all.partitionIndex { $0.micros >= from }
        let upper = all.partitionIndex { $0.micros > to }
        return all[lower..<max(lower, upper)]
    }
}
