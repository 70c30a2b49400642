import Model

/// The alert context the loads kept for the processes services.exe started (`child_context`,
/// m0016), read by a rule run instead of looking it up: an alert with a child and no connection
/// (rpc_service_process) asked for alone is answered by a cursor walking the table beside the
/// rule's alerts, or, when the cursor cannot answer, by a seek of its time and host.
///
/// Used only when the rows are current (`ConnectionContextState.isCurrent`, which covers both
/// kept tables) and the run's windows are the ones the load used; a request with no row is
/// looked up as before.
final class StoredChildContexts {
    private let atTime: Statement
    private var cursor: KeptContextCursor<ChildContextRows>
    private var texts = RepeatedTextCache()

    /// Nil when the rows are not current or `windows` are not the load's. `cursorSlack`: how
    /// many rows beyond eight per request `next` passes before it seeks instead.
    init?(_ database: Database, windows: AlertContextWindows, cursorSlack: Int = 4_096) throws {
        guard windows == ConnectionContextRefresh.windows, try ConnectionContextState.isCurrent(database) else { return nil }
        let columns = "ts_us, host_id, executable_ref, command_line_ref, " + ChildContextRows.valueColumns
        atTime = try database.prepare("SELECT \(columns) FROM child_context WHERE ts_us = ?1 AND host_id = ?2",
                                      purpose: "reading the kept alert context")
        cursor = KeptContextCursor(try database.prepare("SELECT \(columns) FROM child_context WHERE ts_us >= ?1",
                                                        purpose: "reading the kept alert context"), slack: cursorSlack)
    }

    /// The kept context of `r`'s child, for requests asked one at a time in time order; nil
    /// when `r` has a connection (its logon and source side are the connection's) or no row.
    func next(_ r: RemoteServiceContextRequest, query: RemoteServiceContextQuery) throws -> RemoteServiceContext? {
        guard r.connectionMicros == nil, r.childMicros != nil else { return nil }
        switch try cursor.next(r, query) {
        case .found(let context): return context
        case .absent: return nil
        case .seek: return try seek(r, query)
        }
    }

    /// The kept context of `r`'s child, found by its time and host.
    private func seek(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> RemoteServiceContext? {
        guard let micros = r.childMicros, let host = try query.hostID(r.host) else { return nil }
        atTime.reset()
        defer { atTime.reset() }
        atTime.bind(micros, at: 1)
        atTime.bind(host, at: 2)
        while try atTime.step() {
            if try ChildContextRows.key(ChildContextRows.key(atTime), is: r, query) {
                return try ChildContextRows.context(atTime, query, texts: &texts)
            }
        }
        return nil
    }
}

/// What a `child_context` row answers: a child's start, host, executable and command line.
struct ChildContextKey {
    let micros: Int64
    let host: Int64
    let executableRef: Int64?
    let commandLineRef: Int64?
}

/// `child_context` as `KeptContextCursor` reads it.
enum ChildContextRows: KeptContextRows {
    /// The columns of a row's values, from the fifth on (`context`).
    static let valueColumns = """
        logon_user, logon_domain, logon_id, logon_type, logon_ts_us, logon_ip, source_host_id, source_entity_id,
        source_executable, source_command_line, clock_offset_ms, service_name, service_image, service_ts_us
        """

    static func micros(of r: RemoteServiceContextRequest) -> Int64? { r.childMicros }

    static func key(_ s: Statement) -> ChildContextKey {
        ChildContextKey(micros: s.int64(0), host: s.int64(1), executableRef: s.optionalInt64(2), commandLineRef: s.optionalInt64(3))
    }

    /// Host by name (as the load resolved it), then executable and command line, texts compared
    /// byte for byte as the look-up's keys are made from them.
    static func key(_ k: ChildContextKey, is r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> Bool {
        guard try query.hostName(k.host) == r.host || query.hostID(r.host) == k.host else { return false }
        guard try k.executableRef.flatMap(query.string) == r.childExecutable else { return false }
        return try k.commandLineRef.flatMap(query.string) == r.childCommandLine
    }

    static func context(_ s: Statement, _ query: RemoteServiceContextQuery, texts: inout RepeatedTextCache) throws -> RemoteServiceContext {
        var c = RemoteServiceContext()
        c.logonUser = s.text(4)
        c.logonDomain = s.text(5)
        c.logonID = s.text(6)
        c.logonType = s.optionalInt64(7)
        c.logonMicros = s.optionalInt64(8)
        c.logonIP = s.text(9)
        if let host = s.optionalInt64(10) { c.sourceHost = try query.hostName(host) }
        c.sourceEntityID = s.text(11)
        c.sourceExecutable = s.text(12, cache: &texts)
        c.sourceCommandLine = s.text(13, cache: &texts)
        c.sourceClockOffsetMillis = s.optionalInt64(14)
        c.serviceName = s.text(15)
        c.serviceImage = s.text(16, cache: &texts)
        c.serviceMicros = s.optionalInt64(17)
        return c
    }
}
