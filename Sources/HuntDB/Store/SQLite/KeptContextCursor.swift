/// One forward pass over a table of kept alert contexts (`connection_context`, `child_context`)
/// beside a rule's alerts, which come in time order (`StoredConnectionContexts.next`,
/// `StoredChildContexts.next`): the rows of the time the last alert asked for are held, each
/// alert is matched against them by its whole key, and the cursor moves on when a later time is
/// asked for.
///
/// A value type held by its reader, so the pass's state is changed without an exclusivity
/// check per field.
struct KeptContextCursor<Rows: KeptContextRows> {
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
    private var group: [(key: Rows.Key, context: RemoteServiceContext?)] = []
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

    /// `r` is a request the table keeps rows for (`Rows.micros(of:)` is not nil).
    mutating func next(_ r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> Answer {
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
                let entry = (key: Rows.key(statement), context: Optional(try Rows.context(statement, query, texts: &texts)))
                if count < group.count { group[count] = entry } else { group.append(entry) }
                count += 1
                pending = try statement.step()
                scanned += 1
            }
        }
        for j in 0..<count where try Rows.key(group[j].key, is: r, query) {
            // Taken, not copied: the alert's row becomes the strings' only owner. A second
            // alert of the same connection (a row loaded twice) seeks it.
            if let context = group[j].context.take() { return .found(context) }
            return .seek
        }
        return .absent
    }
}

/// A table of kept alert contexts as `KeptContextCursor` reads it: rows in time order, time first.
protocol KeptContextRows {
    /// What a row answers.
    associatedtype Key
    /// The time of `r`'s row in the table; nil when the table keeps none for such a request.
    static func micros(of r: RemoteServiceContextRequest) -> Int64?
    /// The key of the statement's current row.
    static func key(_ s: Statement) -> Key
    /// Whether a row's key is the one `r` asks for.
    static func key(_ k: Key, is r: RemoteServiceContextRequest, _ query: RemoteServiceContextQuery) throws -> Bool
    /// The context of the statement's current row.
    static func context(_ s: Statement, _ query: RemoteServiceContextQuery, texts: inout RepeatedTextCache) throws -> RemoteServiceContext
}
