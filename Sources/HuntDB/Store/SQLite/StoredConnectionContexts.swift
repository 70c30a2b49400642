import Model

/// The alert context the loads kept for the incoming connections to services.exe
/// (`connection_context`, m0015), read by a rule run instead of looking it up. An alert asked
/// for alone (`next`) is answered by a cursor walking the table beside the rule's alerts
/// (`KeptContextCursor`). A batch of alerts (in time order) reads the rows of its time range in
/// one pass of the table's primary key, or, when that range holds many rows no alert of the
/// batch asks for (a `--host` run), seeks each alert's time and host.
///
/// Used only when the rows are current (`ConnectionContextState.isCurrent`) and the run's
/// windows are the ones the load used; a request with no row (another kind of alert, a Sigma
/// rule's connection the load did not keep) is looked up as before.
final class StoredConnectionContexts {
    private let range, atTime: Statement
    /// `next`'s pass over the table.
    private var cursor: KeptContextCursor<ConnectionContextRows>
    private var texts = RepeatedTextCache()

    /// Nil when the rows are not current or `windows` are not the load's. `cursorSlack`: how
    /// many rows beyond eight per request `next` passes before it seeks instead.
    init?(_ database: Database, windows: AlertContextWindows, cursorSlack: Int = 4_096) throws {
        guard windows == ConnectionContextRefresh.windows, try ConnectionContextState.isCurrent(database) else { return nil }
        let columns = "ts_us, host_id, source_ip_ref, source_port, destination_ip_ref, destination_port, record"
        range = try database.prepare("SELECT \(columns) FROM connection_context WHERE ts_us >= ?1 AND ts_us <= ?2",
                                     purpose: "reading the kept alert context")
        atTime = try database.prepare("SELECT \(columns) FROM connection_context WHERE ts_us = ?1 AND host_id = ?2",
                                      purpose: "reading the kept alert context")
        cursor = try KeptContextCursor(database, slack: cursorSlack)
    }

    /// Writes the kept context of each request that has one into `contexts` and marks it in
    /// `kept`. Requests in time order (a rule's) are matched in one pass beside the rows of
    /// their time range; the rows of one time are compared by their whole key.
    func read(_ requests: [RemoteServiceContextRequest], query: RemoteServiceContextQuery,
              into contexts: inout [RemoteServiceContext], kept: inout [Bool]) throws {
        var keys: [StoredContextKey?] = []
        keys.reserveCapacity(requests.count)
        for r in requests { keys.append(try key(of: r, query: query)) }
        let order = keys.indices.filter { keys[$0] != nil }.sorted { keys[$0]!.micros < keys[$1]!.micros }
        guard let firstIndex = order.first, let lastIndex = order.last else { return }
        range.reset()
        defer { range.reset() }
        range.bind(keys[firstIndex]!.micros, at: 1)
        range.bind(keys[lastIndex]!.micros, at: 2)
        // One pass, unless the range holds many rows no request asks for (a `--host` run):
        // then a seek per request.
        let limit = order.count * 8
        var scanned = 0, seeking = false
        var pending = try range.step()
        var group: [(key: StoredContextKey, context: RemoteServiceContext)] = []
        var groupMicros = Int64.min
        for i in order {
            let key = keys[i]!
            if seeking {
                if let c = try seek(key) { contexts[i] = c; kept[i] = true }
                continue
            }
            if key.micros != groupMicros {
                group.removeAll(keepingCapacity: true)
                groupMicros = key.micros
                while pending, range.int64(0) < key.micros, scanned <= limit {
                    pending = try range.step()
                    scanned += 1
                }
                while pending, range.int64(0) == key.micros, scanned <= limit {
                    group.append((Self.key(range), try Self.context(range, texts: &texts)))
                    pending = try range.step()
                    scanned += 1
                }
                if scanned > limit {
                    seeking = true
                    if let c = try seek(key) { contexts[i] = c; kept[i] = true }
                    continue
                }
            }
            if let match = group.first(where: { $0.key == key }) {
                contexts[i] = match.context
                kept[i] = true
            }
        }
    }

    /// The kept context of `r`'s connection, for requests asked one at a time in time order (a
    /// rule's alerts): `KeptContextCursor` moves forward over the table beside them. Written
    /// into `row[first...]` (`RemoteServiceContext.write(into:at:)`); false when none was kept.
    func next(_ r: RemoteServiceContextRequest, query: RemoteServiceContextQuery, into row: inout [RowValue], at first: Int) throws -> Bool {
        guard r.connectionMicros != nil, r.sourceIP != nil, r.sourcePort != nil else { return false }
        return try cursor.next(r, query, into: &row, at: first)
    }

    /// The kept context of `key`'s connection, found by its time and host.
    private func seek(_ key: StoredContextKey) throws -> RemoteServiceContext? {
        atTime.reset()
        defer { atTime.reset() }
        atTime.bind(key.micros, at: 1)
        atTime.bind(key.host, at: 2)
        while try atTime.step() {
            if Self.key(atTime) == key { return try Self.context(atTime, texts: &texts) }
        }
        return nil
    }

    static func key(_ s: Statement) -> StoredContextKey {
        StoredContextKey(micros: s.int64(0), host: s.int64(1), sourceIPRef: s.int64(2), sourcePort: s.int64(3),
                         destinationIPRef: s.optionalInt64(4), destinationPort: s.optionalInt64(5))
    }

    /// The context of the current row of `s` (its record, column 6).
    static func context(_ s: Statement, texts: inout RepeatedTextCache) throws -> RemoteServiceContext {
        var row = RemoteServiceContext.nullRow
        try ConnectionContextRows.write(s.blob(6), texts: &texts, into: &row, at: 0)
        return RemoteServiceContext(row: row, at: 0)
    }

    /// The key a kept row has for `r`: nil when `r` has no connection, or one the load does not keep.
    private func key(of r: RemoteServiceContextRequest, query: RemoteServiceContextQuery) throws -> StoredContextKey? {
        guard let micros = r.connectionMicros, let ip = r.sourceIP, let port = r.sourcePort,
              let host = try query.hostID(r.host), let ipRef = try query.stringID(ip) else { return nil }
        var destinationRef: Int64?
        if let destination = r.destinationIP {
            guard let ref = try query.stringID(destination) else { return nil }
            destinationRef = ref
        }
        return StoredContextKey(micros: micros, host: host, sourceIPRef: ipRef, sourcePort: port,
                                destinationIPRef: destinationRef, destinationPort: r.destinationPort)
    }
}

/// What a kept row answers: the request's connection (time, host, addresses and ports).
struct StoredContextKey: Hashable {
    let micros: Int64
    let host: Int64
    let sourceIPRef: Int64
    let sourcePort: Int64
    let destinationIPRef: Int64?
    let destinationPort: Int64?
}

/// `connection_context` as `KeptContextCursor` reads it, and its record: host name, source
/// address and port, destination address and port (the key); the logon's user, domain, logon
/// id, type, time and address; the source side's host name, entity id, executable, command
/// line and clock offset.
enum ConnectionContextRows: KeptContextRows {
    static let table = "connection_context"

    static func micros(of r: RemoteServiceContextRequest) -> Int64? { r.connectionMicros }

    /// The record of `r`'s connection with its context `c`.
    static func record(of r: RemoteServiceContextRequest, context c: RemoteServiceContext) -> [UInt8] {
        var w = KeptContextRecordWriter()
        w.append(r.host)
        w.append(r.sourceIP)
        w.append(r.sourcePort)
        w.append(r.destinationIP)
        w.append(r.destinationPort)
        w.appendLogonAndSource(c)
        return w.bytes
    }

    /// Ports first, then addresses and host by their bytes; a host whose name differs from the
    /// alert's in case only is the one the load resolved the alert's name to.
    static func record(_ record: UnsafeRawBufferPointer, host: Int64, is r: RemoteServiceContextRequest,
                       _ query: RemoteServiceContextQuery) throws -> Bool {
        var k = KeptContextRecordReader(record)
        let hostName = try k.textBytes()
        guard try k.nextText(is: r.sourceIP), try k.integer() == r.sourcePort,
              try k.nextText(is: r.destinationIP), try k.integer() == r.destinationPort else { return false }
        if let hostName, KeptContextRecordReader.bytes(of: r.host, equal: hostName) { return true }
        return try query.hostID(r.host) == host
    }

    /// Writes the record's logon and source side (the service side is null: a connection has
    /// no child) in `RemoteServiceContext.columnNames` order.
    static func write(_ record: UnsafeRawBufferPointer, texts: inout RepeatedTextCache,
                      into row: inout [RowValue], at first: Int) throws {
        var k = KeptContextRecordReader(record)
        // The key: host, source address and port, destination address and port.
        _ = try (k.textBytes(), k.textBytes(), k.integer(), k.textBytes(), k.integer())
        try k.readLogonAndSource(into: &row, at: first, texts: &texts)
        row[first + 6] = .null                               // service_name
        row[first + 7] = .null                               // service_image
        row[first + 8] = .null                               // service_time
    }
}
