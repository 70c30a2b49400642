import Model

/// A HuntDB store: where events are written and where rules, hunts and analyst queries run.
///
/// This protocol is the seam between the pipeline and a storage engine. The rest of the program
/// speaks of events, sources, rules and rows; each backend keeps its SQL dialect in its own files.
/// `SQLiteStore` is the first implementation. Open one with `StoreLocation.open(_:access:)`.
///
/// Every method throws `StoreError` for the backend's own failures (with the backend's message
/// and what the store was doing), `QueryError` for an analyst query that is refused or
/// mis-parameterized, and passes on the errors of the sinks it writes to.
public protocol EventStore: AnyObject {
    /// Where the store lives (a file path or a server address), for messages.
    var location: String { get }

    /// The SQL dialect of the rule texts it runs (`runRule`) and of analysts' SQL.
    var dialect: StoreDialect { get }

    /// The migrations opening the store applied to an existing schema; nil when none ran or
    /// the store was new.
    var schemaUpgrade: SchemaUpgrade? { get }

    // MARK: Loading

    /// Records the start of a load of `path` and returns its source id (committed at once).
    func beginSource(path: String, format: String, compression: String) throws -> Int64

    /// Records how the load of a source ended.
    func finishSource(_ sourceID: Int64, status: SourceStatus, format: String, sizeBytes: Int64?,
                      sha256: String?, message: String?) throws

    /// A writer for the records of one source: batches go in, and `commit` stores them together
    /// with the source's counts in one transaction.
    func makeBatchWriter(sourceID: Int64) throws -> any EventBatchWriter

    /// The size of what is stored, in bytes (to judge whether a load is large against it).
    func storedBytes() -> Int64

    /// Drops the secondary indexes before a bulk load, remembering them durably.
    func deferIndexes() throws

    /// Rebuilds the indexes a bulk load dropped. `progress` gets each index's name before it
    /// is built. Returns how many were built.
    @discardableResult
    func rebuildDeferredIndexes(progress: (String) -> Void) throws -> Int

    /// Secondary indexes a bulk load dropped and has not rebuilt (a load is running, or one died:
    /// the next load rebuilds them). Queries are correct meanwhile, only slower.
    func pendingIndexRebuilds() throws -> [String]

    /// Looks up and keeps the alert context of what the loads stored since the last call, so
    /// that rule runs read it instead of looking it up (SQLite: `connection_context`,
    /// `child_context`). Returns how many connections to services.exe and processes it started
    /// it looked up; stores that look the context up at each run keep nothing.
    func keepAlertContext() throws -> Int

    // MARK: Detection

    /// Runs a rule's query with its parameter values (those the query does not use are ignored)
    /// and streams the rows to `sink`. Returns the number of rows.
    @discardableResult
    func runRule(sql: String, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws -> Int

    /// Materializes the distinct combinations of `columns` of the events of `table`
    /// (`processes` or `network_connections`) in `scope` as the temporary table `name`, read
    /// with `runRule` until `dropDistinctValues`. Rules that only read these columns can be
    /// decided on far fewer rows. Returns the number of combinations.
    /// - Throws: `StoreError`, also for a table or column the store does not have.
    func createDistinctValues(of table: String, columns: [String], scope: EventScope, as name: String) throws -> Int

    /// Drops a table made by `createDistinctValues`.
    func dropDistinctValues(_ name: String) throws

    /// Another read-only connection to the same store, for running rules on a second thread
    /// (each connection is used by one thread at a time); nil when the store cannot give one (an
    /// in-memory database). It does not see this connection's temporary tables.
    func openParallelReader() throws -> (any EventStore)?

    /// Streams the text `columns` of the events of `table` (`processes` or
    /// `network_connections`, read as `e`) that pass `filter` (SQL over `e` with `parameters`,
    /// a constant of the caller) to `sink`, each distinct text once. A store may rely on the
    /// default, which reads every value and numbers the texts itself.
    func scanTextColumns(of table: String, columns: [String], filter: String, parameters: [String: RowValue],
                         purpose: String, into sink: any TextColumnSink) throws

    /// The context of remote-service alerts (logon, service, source process), one per request in
    /// order, looked up in one pass for the whole batch. A store without context events may rely
    /// on the default (every context empty).
    func remoteServiceContext(_ requests: [RemoteServiceContextRequest], windows: AlertContextWindows) throws -> [RemoteServiceContext]

    /// A lookup of the same context for one rule run: batch after batch, keeping what it read
    /// (hosts, texts, the connections of a destination) for the next batches. The store must not
    /// change while it is used. A store may rely on the default, one `remoteServiceContext` call
    /// per batch.
    func remoteServiceContextLookup(windows: AlertContextWindows) throws -> any RemoteServiceContextLookup

    /// For every host with events in `scope`, whether events matching each of `needs` exist.
    func coverage(of needs: [EventNeed], in scope: EventScope) throws -> [HostCoverageFacts]

    // MARK: Analyst queries

    /// Compiles one read-only statement an analyst wrote (`hunt sql`, a saved hunt). The store
    /// must have been opened with `.analyst` access.
    /// - Throws: `QueryError` when it is refused (writes, a second statement, positional
    ///   parameters), `StoreError` for a syntax error or an unknown table.
    func prepareAnalystQuery(_ sql: String, purpose: String) throws -> any AnalystStatement

    // MARK: Description and health

    /// Streams one `hunt stats` view to `sink` (times as integer microseconds). Returns the row count.
    @discardableResult
    func stats(_ view: StatsView, filter: EventScope, into sink: any RowSink) throws -> Int

    /// How many sources were loaded, how many failed, and how many records were rejected.
    func loadTotals() throws -> LoadTotals

    /// The tables, views and columns an analyst can query, with one-line descriptions.
    func schemaEntries() throws -> [SchemaEntry]

    /// Every consistency problem found, one sentence each (empty when the store is sound), and
    /// notes that are not faults (record ids that hold more than one event).
    func check() throws -> (problems: [String], notes: [String])
}

/// Writes the records of one source in batches; `commit` makes the rows and their counts
/// durable together, so whatever a crash leaves behind, stored rows and counts agree.
public protocol EventBatchWriter: AnyObject {
    /// Counts of the records added since the last commit.
    var pending: LoadCounts { get }

    /// Whether a transaction is open (records were added and not yet committed).
    var isOpen: Bool { get }

    /// Stores `outcomes`: events (once per host and record identity), rejects, and the counts
    /// of everything read. Returns the warnings recorded about the events it stored.
    @discardableResult
    func add(_ outcomes: [RecordOutcome]) throws -> [RecordWarning]

    /// Adds the pending counts to the source and commits. Returns the counts committed.
    @discardableResult
    func commit() throws -> LoadCounts

    /// Abandons what was added since the last commit (after an error).
    func rollback()
}

/// One analyst statement, compiled and checked; bind its parameters, then run it.
public protocol AnalystStatement: AnyObject {
    /// The named parameters the statement uses, without their `:`/`@`/`$` prefix, in order.
    var parameterNames: [String] { get }

    /// Binds a value to every parameter, by name without prefix.
    /// - Throws: `QueryError.unknownParameter` for a value the statement does not use,
    ///   `.missingParameter` (with `help[name]`) for a parameter without a value.
    func bind(_ values: [String: RowValue], help: [String: String]) throws

    /// Streams every row to `sink` (begin, rows, end) and returns how many there were.
    @discardableResult
    func run(into sink: any RowSink) throws -> Int
}
