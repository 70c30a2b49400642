import Model

/// The alert context the loads kept for the processes services.exe started (`child_context`,
/// m0016), read by a rule run instead of looking it up: an alert with a child and no connection
/// (rpc_service_process) asked for alone is answered by a cursor walking the table beside the
/// rule's alerts (`KeptContextCursor`).
///
/// Used only when the rows are current (`ConnectionContextState.isCurrent`, which covers both
/// kept tables) and the run's windows are the ones the load used; a request with no row is
/// looked up as before.
final class StoredChildContexts {
    private var cursor: KeptContextCursor<ChildContextRows>

    /// Nil when the rows are not current or `windows` are not the load's. `cursorSlack`: how
    /// many rows beyond eight per request `next` passes before it seeks instead.
    init?(_ database: Database, windows: AlertContextWindows, cursorSlack: Int = 4_096) throws {
        guard windows == ConnectionContextRefresh.windows, try ConnectionContextState.isCurrent(database) else { return nil }
        cursor = try KeptContextCursor(database, slack: cursorSlack)
    }

    /// The kept context of `r`'s child, for requests asked one at a time in time order, written
    /// into `row[first...]` (`RemoteServiceContext.write(into:at:)`); false when `r` has a
    /// connection (its logon and source side are the connection's) or no row.
    func next(_ r: RemoteServiceContextRequest, query: RemoteServiceContextQuery, into row: inout [RowValue], at first: Int) throws -> Bool {
        guard r.connectionMicros == nil, r.childMicros != nil else { return false }
        return try cursor.next(r, query, into: &row, at: first)
    }
}

/// `child_context` as `KeptContextCursor` reads it, and its record: the child's executable and
/// command line as string ids (the key, with the row's host: a fleet's services.exe children
/// repeat a few, and the rule alerts on few of them, so the record stays small); the logon's
/// user, domain, logon id, type, time and address; the source side's host name, entity id,
/// executable, command line and clock offset; the service's name, image path and time.
enum ChildContextRows: KeptContextRows {
    static let table = "child_context"

    static func micros(of r: RemoteServiceContextRequest) -> Int64? { r.childMicros }

    /// The record of a child (its executable and command line, string ids) with its context `c`.
    static func record(executable: Int64?, commandLine: Int64?, context c: RemoteServiceContext) -> [UInt8] {
        var w = KeptContextRecordWriter()
        w.append(executable)
        w.append(commandLine)
        w.appendLogonAndSource(c)
        w.append(c.serviceName)
        w.append(c.serviceImage)
        w.append(c.serviceMicros)
        return w.bytes
    }

    /// Host by name (a name that differs from the alert's in case only is the host the load
    /// resolved the alert's name to), then executable and command line, texts compared byte for
    /// byte as the look-up's keys are made from them.
    static func record(_ record: UnsafeRawBufferPointer, host: Int64, is r: RemoteServiceContextRequest,
                       _ query: RemoteServiceContextQuery) throws -> Bool {
        var k = KeptContextRecordReader(record)
        let executable = try k.integer(), commandLine = try k.integer()
        guard try query.hostName(host) == r.host || query.hostID(r.host) == host else { return false }
        guard try executable.flatMap(query.string) == r.childExecutable else { return false }
        return try commandLine.flatMap(query.text) == r.childCommandLine
    }

    /// Writes the record's logon, service and source side in `RemoteServiceContext.columnNames` order.
    static func write(_ record: UnsafeRawBufferPointer, texts: inout RepeatedTextCache,
                      into row: inout [RowValue], at first: Int) throws {
        var k = KeptContextRecordReader(record)
        // The key: executable, command line.
        _ = try (k.integer(), k.integer())
        try k.readLogonAndSource(into: &row, at: first, texts: &texts)
        row[first + 6] = try k.textValue()                   // service_name
        row[first + 7] = try k.textValue(cache: &texts)      // service_image
        row[first + 8] = try k.integerValue()                // service_time
    }
}
