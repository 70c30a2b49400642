import Model

/// One forward pass over a table of kept alert contexts (`connection_context`, `child_context`)
/// beside a rule's alerts, which come in time order (`StoredConnectionContexts.next`,
/// `StoredChildContexts.next`): the rows of the time the last alert asked for are held, each
/// alert is matched against them by its whole key, and the cursor moves on when a later time is
/// asked for. A request the pass cannot answer is found by a seek of its time and host.
///
/// A value type held by its reader, so the pass's state is changed without an exclusivity
/// check per field.
struct KeptContextCursor<Rows: KeptContextRows> {
    /// What the pass says about one request.
    private enum Answer {
        /// The context was written into the row.
        case found
        /// No kept row for the connection: look it up.
        case absent
        /// The pass cannot answer (a request earlier than the cursor, a run that skips many
        /// rows): seek the request's time.
        case seek
    }

    private let statement, atTime: Statement
    /// The rows of time `micros`: the first `count` entries, their host and record (the buffers
    /// are kept and reused). A row answers every alert of its key: the context is a function
    /// of the key.
    private var records: [[UInt8]] = []
    private var hosts: [Int64] = []
    private var count = 0
    private var micros = Int64.min
    private var started = false, pending = false, seeking = false
    private var requests = 0, scanned = 0
    private let slack: Int
    private var texts = RepeatedTextCache()

    /// Prepares its two reads of `Rows.table`: the rows from a time on, in the table's order,
    /// and the rows of one time and host. `slack`: how many rows beyond eight per request the
    /// pass skips before it seeks instead.
    init(_ database: Database, slack: Int) throws {
        let select = "SELECT ts_us, host_id, record FROM \(Rows.table)"
        statement = try database.prepare("\(select) WHERE ts_us >= ?1", purpose: "reading the kept alert context")
        atTime = try database.prepare("\(select) WHERE ts_us = ?1 AND host_id = ?2", purpose: "reading the kept alert context")
        self.slack = slack
    }

    /// Writes the kept context of `r` into `row[first...]` (`RemoteServiceContext.write(into:at:)`);
    /// false when the table has no row for it. `r` is a request the table keeps rows for
    /// (`Rows.micros(of:)` is not nil).
    mutating func next(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery,
                       into row: inout [RowValue], at first: Int) throws -> Bool {
        switch try pass(r, query, into: &row, at: first) {
        case .found: return true
        case .absent: return false
        case .seek: return try seek(r, query, into: &row, at: first)
        }
    }

    /// The rows of `r`'s time and host, matched by their records.
    private mutating func seek(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery,
                               into row: inout [RowValue], at first: Int) throws -> Bool {
        guard let host = try query.hostID(r.host) else { return false }
        atTime.reset()
        defer { atTime.reset() }
        atTime.bind(Rows.micros(of: r)!, at: 1)
        atTime.bind(host, at: 2)
        while try atTime.step() {
            let record = atTime.blob(2)
            if try Rows.record(record, host: host, is: r, query) {
                try Rows.write(record, texts: &texts, into: &row, at: first)
                return true
            }
        }
        return false
    }

    private mutating func pass(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery,
                               into row: inout [RowValue], at first: Int) throws -> Answer {
        let at = Rows.micros(of: r)!
        requests += 1
        if seeking || at < micros { return .seek }
        if !started {
            started = true
            statement.bind(at, at: 1)
            pending = try statement.step()
        }
        if at != micros {
            micros = at
            count = 0
            var rowMicros = pending ? statement.int64(0) : 0
            while pending, rowMicros < at {
                pending = try statement.step()
                if pending { rowMicros = statement.int64(0) }
                scanned += 1
                // Many more rows than alerts (a `--host` run): seeking each alert is cheaper.
                if scanned > 8 * requests + slack {
                    seeking = true
                    statement.reset()
                    return .seek
                }
            }
            while pending, rowMicros == at {
                if count == records.count {
                    records.append([])
                    hosts.append(0)
                }
                records[count].removeAll(keepingCapacity: true)
                records[count].append(contentsOf: statement.blob(2))
                hosts[count] = statement.int64(1)
                count += 1
                pending = try statement.step()
                if pending { rowMicros = statement.int64(0) }
                scanned += 1
            }
        }
        for j in 0..<count {
            let matches = try records[j].withUnsafeBytes { try Rows.record($0, host: hosts[j], is: r, query) }
            guard matches else { continue }
            try records[j].withUnsafeBytes { try Rows.write($0, texts: &texts, into: &row, at: first) }
            return .found
        }
        return .absent
    }
}

/// A table of kept alert contexts as `KeptContextCursor` reads it: rows in time order, each
/// with its host and its packed record (`KeptContextRecordWriter`).
protocol KeptContextRows {
    /// The table's name (a constant).
    static var table: String { get }
    /// The time of `r`'s row in the table; nil when the table keeps none for such a request.
    static func micros(of r: RemoteServiceContextRequest) -> Int64?
    /// Whether a row (its record and host id) is the one `r` asks for.
    static func record(_ record: UnsafeRawBufferPointer, host: Int64, is r: RemoteServiceContextRequest,
                       _ query: RemoteServiceContextQuery) throws -> Bool
    /// Writes the context a row's record holds into `row[first...]`
    /// (`RemoteServiceContext.write(into:at:)`'s order).
    static func write(_ record: UnsafeRawBufferPointer, texts: inout RepeatedTextCache,
                      into row: inout [RowValue], at first: Int) throws
}
