import Model

/// Looks up the context of a batch of remote-service alerts: for each alert a few index seeks
/// through statements prepared once per batch, with every value bound.
///
/// Each lookup is one `LIMIT 1` seek (or a short candidate list) on a table's own index
/// (`logons_by_session`, `logons_by_source`, `logons_by_host_time`, `service_installs_by_host_time`,
/// `network_by_source`, `processes_by_entity`, `command_line_evidence_by_pid`; m0008, m0009,
/// m0011). Interned texts (addresses, executables, host names) are read by id and
/// remembered for the batch, so a fleet's few addresses and executables are read once. A host
/// with no logons (or no service installs) skips that lookup.
///
/// A batch whose window holds few logons (or service installs) for its alerts reads them once,
/// in time order, and searches them in memory: the batch plan (`ContextPlan`, in
/// `RemoteServiceContextQuery+Batch.swift`); both plans choose the same rows.
///
/// Until session 6 this was one SQL statement per batch that read the alerts from a bound JSON
/// array; the JSON parsing and the view joins cost ≈ 55 µs per alert (BENCHMARKS.md, "Alert context").
final class RemoteServiceContextQuery {
    let windows: AlertContextWindows
    let statements: ContextStatements
    private var hostIDs: [String: Int64?] = [:]
    private var hostNames: [Int64: String] = [:]
    private var hostHasLogons: [Int64: Bool] = [:]
    private var hostHasServices: [Int64: Bool] = [:]
    private var stringIDs: [String: Int64?] = [:]
    private var strings: [Int64: String] = [:]
    private var commandKeys: [String: String] = [:]
    private var outgoingRef: Int64??
    let plan: ContextPlan
    /// The batch's logons and service installs when read once (`ContextPlan`), else nil.
    private var logonWindow: LogonWindow?
    private var serviceWindow: ServiceInstallWindow?
    /// Every logon of the store, read once for the run when the rule's alerts are dense over
    /// them (`readsAllLogons`), else nil.
    private var allLogons: LogonWindow?
    private var allLogonsDecided = false
    /// The connections of the destinations read once (`ContextPlan`), kept while alerts may
    /// still need them (`RemoteServiceContextQuery+Source.swift`).
    var destinations: [DestinationKey: DestinationConnections] = [:]
    /// For destinations not read (yet): their alerts so far, and a lower bound of their rows.
    var destinationAlerts: [DestinationKey: Int] = [:]
    var destinationRowsAtLeast: [DestinationKey: Int64] = [:]
    /// Command lines by text id, read once: a fleet's source processes repeat a few.
    var commandLines: [Int64: String] = [:]
    /// The contexts the loads kept (`connection_context`), when they are current for these
    /// windows; nil: every request is looked up.
    private var storedContexts: StoredConnectionContexts?
    /// Likewise for the children services.exe started (`child_context`).
    private var storedChildContexts: StoredChildContexts?

    /// `useStored`: read the contexts the loads kept (`connection_context`) where they are
    /// current; false for the load's own refresh and for comparing the two.
    init(on database: Database, windows: AlertContextWindows, plan: ContextPlan = .automatic, useStored: Bool = true) throws {
        self.windows = windows
        self.plan = plan
        self.database = database
        statements = try ContextStatements(database)
        if useStored {
            storedContexts = try StoredConnectionContexts(database, windows: windows)
            storedChildContexts = try storedContexts == nil ? nil : StoredChildContexts(database, windows: windows)
        }
    }

    private let database: Database
    private var mapped = false

    /// The seeks land all over the file: a rule run that looks contexts up maps it (up to the
    /// library's limit, 2 GB by default) rather than copy each page through read(). Only such
    /// runs do this, so the resident size of other runs (and of loads) is unchanged (mapped
    /// pages count as resident). A `.analyst` connection refuses every pragma: the lookups then
    /// read as before.
    private func mapFileOnce() {
        guard !mapped else { return }
        mapped = true
        if (try? database.execute("PRAGMA mmap_size = 17179869184", purpose: "mapping the database for the alert context")) == nil {
            _ = database.takeReadOnlyDenial()
        }
    }

    /// The context of each request, in order (empty where nothing is found).
    func run(_ requests: [RemoteServiceContextRequest]) throws -> [RemoteServiceContext] {
        var contexts = [RemoteServiceContext](repeating: RemoteServiceContext(), count: requests.count)
        var kept = [Bool](repeating: false, count: requests.count)
        try storedContexts?.read(requests, query: self, into: &contexts, kept: &kept)
        let live = requests.indices.filter { !kept[$0] }.map { requests[$0] }
        if !live.isEmpty {
            mapFileOnce()
            try readWindows(of: live)
            try readDestinations(of: live)
        }
        for i in requests.indices where !kept[i] || requests[i].childMicros != nil {
            try complete(&contexts[i], for: requests[i], kept: kept[i])
        }
        return contexts
    }

    /// The connection part of each request's context (logon and source side, as `complete`
    /// finds them when the request has a connection), with the rows it was found from: what
    /// the load keeps in `connection_context` (`ConnectionContextRefresh`).
    func connectionContexts(_ requests: [RemoteServiceContextRequest]) throws -> [(RemoteServiceContext, ContextDependencies)] {
        try readWindows(of: requests)
        try readDestinations(of: requests)
        return try requests.map { r in
            var c = RemoteServiceContext(), d = ContextDependencies()
            if let hostID = try hostID(r.host) { try connectionContext(r, host: hostID, into: &c, dependencies: &d) }
            return (c, d)
        }
    }

    /// Reads the batch's logons and service installs once when their windows are dense enough
    /// (`ContextPlan.worthReading`); the lookups then search them in memory.
    private func readWindows(of requests: [RemoteServiceContextRequest]) throws {
        logonWindow = nil
        serviceWindow = nil
        guard plan != .perAlert else { return }
        let anchors = requests.compactMap { $0.connectionMicros ?? $0.childMicros }
        if let first = anchors.min(), let last = anchors.max() {
            let from = first - windows.logonBefore, to = last + windows.logonAfter
            if try readsAllLogons(first: first, last: last, lookups: anchors.count) {
                logonWindow = allLogons
            } else {
                let rows = try statements.countLogons.firstInteger(.integer(from), .integer(to), .integer(Int64(anchors.count) * 4 + 1)) ?? 0
                if plan.worthReading(rows: rows, lookups: anchors.count) {
                    logonWindow = try LogonWindow(reading: statements.logonsOfWindow, from: from, to: to)
                }
            }
        }
        let children = requests.compactMap { $0.childCommandLine != nil || $0.childExecutable != nil ? $0.childMicros : nil }
        if let first = children.min(), let last = children.max() {
            let from = first - windows.serviceBefore, to = last + windows.serviceAfter
            let rows = try statements.countServiceInstalls.firstInteger(.integer(from), .integer(to), .integer(Int64(children.count) * 4 + 1)) ?? 0
            if plan.worthReading(rows: rows, lookups: children.count) {
                serviceWindow = try ServiceInstallWindow(reading: statements.serviceInstallsOfWindow, from: from, to: to)
            }
        }
    }

    /// Whether every logon is in memory for the run. Decided at the first batch: a table
    /// scan reads a row for about a third of what a row costs through `logons_by_time`, so
    /// it pays when the table holds few logons for the lookups the rule will make, if its
    /// alerts keep this batch's density (`lookups` over [first, last]) up to the latest logon.
    private func readsAllLogons(first: Int64, last: Int64, lookups: Int) throws -> Bool {
        if allLogonsDecided { return allLogons != nil }
        allLogonsDecided = true
        guard let rows = try statements.countAllLogons.firstInteger(), rows > 0,
              let latest = try statements.latestLogon.firstInteger() else { return false }
        let expected = Double(lookups) * Double(max(latest - first, 1)) / Double(max(last - first, 1))
        guard plan.worthReadingAllLogons(rows: rows, lookups: lookups, expectedLookups: expected) else { return false }
        allLogons = try LogonWindow(readingAll: statements.allLogons)
        return true
    }

    /// Logon: a successful network (3) or remote interactive (10) logon on the alert's host from
    /// the connection's source address in [anchor - logon_before, anchor + logon_after] (anchor:
    /// the connection, else the child), the one of the same TCP session (source port) first,
    /// else the latest. Without a connection: the latest such logon from any remote address.
    /// Service: the latest install on the host in [child - service_before, child + service_after]
    /// whose image path is the child's command line or executable (`WindowsCommandKey`).
    /// Source: another host's outgoing connection with the same addresses and ports (the
    /// logon's address and port when the alert has no connection) within the clock tolerance,
    /// the most precise then the closest; its process's command line from the process start,
    /// else from command-line evidence of the same host and pid within `evidence_window`
    /// (PowerShell 4103, m0011), the closest in time.
    ///
    /// `kept`: `c` already holds the logon and source side the load kept for the request's
    /// connection (`connection_context`), which are what the look-up would find.
    private func complete(_ c: inout RemoteServiceContext, for r: RemoteServiceContextRequest, kept: Bool) throws {
        guard let hostID = try hostID(r.host) else { c = RemoteServiceContext(); return }
        if !kept {
            var ignored = ContextDependencies()
            try connectionContext(r, host: hostID, into: &c, dependencies: &ignored)
        }
        if let child = r.childMicros, r.childCommandLine != nil || r.childExecutable != nil, try hasServices(hostID) {
            var ignored: Int64?
            try service(host: hostID, child: child, request: r, into: &c, eventID: &ignored)
        }
    }

    /// The whole context of each child-only request (a child, no connection), with the rows it
    /// was found from: what the load keeps in `child_context` (`ChildContextRefresh`).
    func childContexts(_ requests: [RemoteServiceContextRequest]) throws -> [(RemoteServiceContext, ContextDependencies)] {
        try readWindows(of: requests)
        try readDestinations(of: requests)
        return try requests.map { r in
            var c = RemoteServiceContext(), d = ContextDependencies()
            guard let hostID = try hostID(r.host) else { return (c, d) }
            try connectionContext(r, host: hostID, into: &c, dependencies: &d)
            if let child = r.childMicros, r.childCommandLine != nil || r.childExecutable != nil, try hasServices(hostID) {
                try service(host: hostID, child: child, request: r, into: &c, eventID: &d.serviceEventID)
            }
            return (c, d)
        }
    }

    /// The logon and the source side of `r` on `host`, and the rows they came from.
    private func connectionContext(_ r: RemoteServiceContextRequest, host hostID: Int64, into c: inout RemoteServiceContext,
                                   dependencies d: inout ContextDependencies) throws {
        let anchor = r.connectionMicros ?? r.childMicros
        var logonPort: Int64?
        if let anchor, try hasLogons(hostID) {
            try logon(host: hostID, request: r, anchor: anchor, into: &c, port: &logonPort, eventID: &d.logonEventID)
            d.logonPort = logonPort
        }
        if let port = r.sourcePort ?? logonPort, let ip = r.sourceIP ?? c.logonIP,
           let anchor = r.connectionMicros ?? c.logonMicros, let ipRef = try stringID(ip) {
            try source(host: hostID, ipRef: ipRef, port: port, anchor: anchor, request: r, into: &c, dependencies: &d)
        }
    }

    private func logon(host: Int64, request r: RemoteServiceContextRequest, anchor: Int64,
                       into c: inout RemoteServiceContext, port: inout Int64?, eventID: inout Int64?) throws {
        let from = anchor - windows.logonBefore, to = anchor + windows.logonAfter
        if let logonWindow {
            guard let g = Self.logon(in: logonWindow, host: host, request: r, from: from, to: to) else { return }
            c.logonMicros = g.micros
            c.logonUser = g.user
            c.logonDomain = g.domain
            c.logonID = g.logonID
            c.logonType = g.type
            c.logonIP = g.ip
            port = g.port
            eventID = g.eventID
            return
        }
        let s = statements
        var found: Statement?
        if let ip = r.sourceIP {
            if let sourcePort = r.sourcePort, try s.logonBySession.seek(.integer(host), .text(ip), .integer(sourcePort), .integer(from), .integer(to)) {
                found = s.logonBySession
            } else if try s.logonBySource.seek(.integer(host), .text(ip), .integer(from), .integer(to)) {
                found = s.logonBySource
            }
        } else if try s.logonByHostTime.seek(.integer(host), .integer(from), .integer(to)) {
            found = s.logonByHostTime
        }
        guard let g = found else { return }
        defer { g.reset() }
        c.logonMicros = g.int64(0)
        c.logonUser = g.text(1)
        c.logonDomain = g.text(2)
        c.logonID = g.text(3)
        c.logonType = g.optionalInt64(4)
        c.logonIP = g.text(5)
        port = g.optionalInt64(6)
        eventID = g.int64(7)
    }

    /// The batch plan's logon: the same choice as the three statements, in memory. Texts
    /// compare byte for byte, as SQL's `=` does.
    private static func logon(in w: LogonWindow, host: Int64, request r: RemoteServiceContextRequest, from: Int64, to: Int64) -> ContextLogon? {
        guard let ip = r.sourceIP else {
            return w.latest(host: host, from: from, to: to) { g in
                guard let address = g.ip else { return false }
                return !address.utf8.elementsEqual("127.0.0.1".utf8) && !address.utf8.elementsEqual("::1".utf8)
            }
        }
        func sameAddress(_ g: ContextLogon) -> Bool { g.ip.map { $0.utf8.elementsEqual(ip.utf8) } ?? false }
        if let port = r.sourcePort, let g = w.latest(host: host, from: from, to: to, where: { $0.port == port && sameAddress($0) }) {
            return g
        }
        return w.latest(host: host, from: from, to: to, where: sameAddress)
    }

    /// The installs in the window come newest first (a registry ImagePath after an install of
    /// the same time); the first whose image path has the child's key is the one.
    private func service(host: Int64, child: Int64, request r: RemoteServiceContextRequest, into c: inout RemoteServiceContext,
                         eventID: inout Int64?) throws {
        let childKey = r.childCommandLine.map(commandKey), executableKey = r.childExecutable.map(commandKey)
        if let serviceWindow {
            for v in serviceWindow.newestFirst(host: host, from: child - windows.serviceBefore, to: child + windows.serviceAfter) {
                let key = commandKey(v.image)
                guard key == childKey || key == executableKey else { continue }
                c.serviceName = v.name
                c.serviceImage = v.image
                c.serviceMicros = v.micros
                eventID = v.eventID
                return
            }
            return
        }
        let s = statements.serviceInstalls
        defer { s.reset() }
        s.bind(host, at: 1)
        s.bind(child - windows.serviceBefore, at: 2)
        s.bind(child + windows.serviceAfter, at: 3)
        while try s.step() {
            guard let image = s.text(1) else { continue }
            let key = commandKey(image)
            guard key == childKey || key == executableKey else { continue }
            c.serviceName = s.text(0)
            c.serviceImage = image
            c.serviceMicros = s.int64(2)
            eventID = s.int64(3)
            return
        }
    }

    // MARK: Interned texts and hosts, remembered for the run

    /// The host's id: the exact name first (`host_key` is its lower-cased name), else the first
    /// host of that name in any case.
    func hostID(_ name: String) throws -> Int64? {
        if let known = hostIDs[name] { return known }
        let id = try statements.hostByName.firstInteger(.text(name)) ?? statements.hostByNameNoCase.firstInteger(.text(name))
        hostIDs[name] = id
        return id
    }

    func hostName(_ id: Int64) throws -> String? {
        if let known = hostNames[id] { return known }
        let name = try statements.hostName.firstText(id)
        if let name { hostNames[id] = name }
        return name
    }

    private func hasLogons(_ host: Int64) throws -> Bool {
        if let known = hostHasLogons[host] { return known }
        let has = try statements.hostHasLogons.firstInteger(.integer(host)) != nil
        hostHasLogons[host] = has
        return has
    }

    private func hasServices(_ host: Int64) throws -> Bool {
        if let known = hostHasServices[host] { return known }
        let has = try statements.hostHasServices.firstInteger(.integer(host)) != nil
        hostHasServices[host] = has
        return has
    }

    /// `WindowsCommandKey.key`, remembered: the same image paths and command lines come back.
    private func commandKey(_ text: String) -> String {
        if let known = commandKeys[text] { return known }
        let key = WindowsCommandKey.key(text)
        if commandKeys.count < 100_000 { commandKeys[text] = key }
        return key
    }

    func stringID(_ value: String) throws -> Int64? {
        if let known = stringIDs[value] { return known }
        let id = try statements.stringID.firstInteger(.text(value))
        stringIDs[value] = id
        return id
    }

    /// A command line by its `texts` id (m0017).
    func text(_ id: Int64) throws -> String? {
        if let known = commandLines[id] { return known }
        let value = try statements.text.firstText(id)
        if let value, commandLines.count < 50_000, value.utf8.count <= 8192 { commandLines[id] = value }
        return value
    }

    func string(_ id: Int64) throws -> String? {
        if let known = strings[id] { return known }
        let value = try statements.string.firstText(id)
        if let value, value.utf8.count <= 512 { strings[id] = value }
        return value
    }

    func outgoingDirection() throws -> Int64? {
        if let known = outgoingRef { return known }
        let id = try stringID("outgoing")
        outgoingRef = .some(id)
        return id
    }
}

extension RemoteServiceContextQuery: RemoteServiceContextLookup {
    func contexts(for requests: [RemoteServiceContextRequest]) throws -> [RemoteServiceContext] {
        try StoreError.translating { try run(requests) }
    }

    /// Kept rows answer a request whole when it has a connection and no child
    /// (`connection_context`) or a child and no connection (`child_context`); a request with
    /// both is looked up (its service side by its child, its logon and source by its connection).
    func keptContext(of request: RemoteServiceContextRequest, into row: inout [RowValue], at first: Int) throws -> Bool {
        try StoreError.translating {
            switch (request.connectionMicros, request.childMicros) {
            case (.some, nil): try storedContexts?.next(request, query: self, into: &row, at: first) ?? false
            case (nil, .some): try storedChildContexts?.next(request, query: self, into: &row, at: first) ?? false
            default: false
            }
        }
    }
}
