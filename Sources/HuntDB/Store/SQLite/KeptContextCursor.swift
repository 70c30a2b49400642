/// One forward pass over `connection_context` beside a rule's alerts, which come in time order
/// (`StoredConnectionContexts.next`): the rows of the time the last alert asked for are held,
/// each alert is matched against them by its whole connection, and the cursor moves on when a
/// later time is asked for.
///
/// A value type held by its reader, so the pass's state is changed without an exclusivity
/// check per field.
struct KeptContextCursor {
    /// What the pass says about one request.
    enum Answer {
        case found(RemoteServiceContext)
        /// No kept row for the connection: look it up.
        case absent
        /// The pass cannot answer (a request earlier than the cursor, a row taken before, a run
        /// that skips many rows): seek the connection's time.
        case seek
    }

    private let statement: Statement
    /// The rows of time `micros`: the first `count` entries, each context until an alert takes it.
    private var group: [(key: StoredContextKey, context: RemoteServiceContext?)] = []
    private var count = 0
    private var micros = Int64.min
    private var started = false, pending = false, seeking = false
    private var requests = 0, scanned = 0
    private let slack: Int
    private var texts = RepeatedTextCache()

    /// `statement`: the kept rows from time `?1` on, in the table's order (key columns first).
    /// `slack`: how many rows beyond eight per request the pass skips before it seeks instead.
    init(_ statement: Statement, slack: Int) {
        self.statement = statement
        self.slack = slack
    }

    /// `r` has a connection with a source address and port.
    mutating func next(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> Answer {
        let at = r.connectionMicros!
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
            while pending, statement.int64(0) < at {
                pending = try statement.step()
                scanned += 1
                // Many more rows than alerts (a `--host` run): seeking each alert is cheaper.
                if scanned > 8 * requests + slack {
                    seeking = true
                    statement.reset()
                    return .seek
                }
            }
            while pending, statement.int64(0) == at {
                let entry = (key: StoredConnectionContexts.key(statement),
                             context: Optional(try StoredConnectionContexts.context(statement, query, texts: &texts)))
                if count < group.count { group[count] = entry } else { group.append(entry) }
                count += 1
                pending = try statement.step()
                scanned += 1
            }
        }
        for j in 0..<count where try Self.key(group[j].key, is: r, query) {
            // Taken, not copied: the alert's row becomes the strings' only owner. A second
            // alert of the same connection (a row loaded twice) seeks it.
            if let context = group[j].context.take() { return .found(context) }
            return .seek
        }
        return .absent
    }

    /// Whether a row's key is `r`'s connection: ports first, then host and addresses by name.
    private static func key(_ k: StoredContextKey, is r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> Bool {
        guard k.sourcePort == r.sourcePort, k.destinationPort == r.destinationPort,
              (k.destinationIPRef == nil) == (r.destinationIP == nil) else { return false }
        // The load resolved the alert's host name as the look-up does (any case when not exact).
        guard try query.hostName(k.host) == r.host || query.hostID(r.host) == k.host,
              try query.string(k.sourceIPRef) == r.sourceIP else { return false }
        if let ref = k.destinationIPRef { return try query.string(ref) == r.destinationIP }
        return true
    }
}
