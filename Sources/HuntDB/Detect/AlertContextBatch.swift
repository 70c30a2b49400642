import Model
import Store

/// Adds a rule's context columns to its alerts. An alert whose whole context the store kept
/// (`RemoteServiceContextLookup.keptContext`) gets it at once; the others are held until the
/// store's `contextBatchSize` are waiting (or the rule ends) and looked up in one call of the
/// store's lookup (kept for the rule's run). Alerts are passed on in the order they came: once
/// one waits, those after it wait too.
///
/// A waiting alert is kept as its request and its row alone, so that writing the context into
/// the row changes it in place instead of copying it (the row is then its only owner).
final class AlertContextBatch {
    private let batchSize: Int

    private let kind: AlertContextKind
    private let rule: DetectionRule
    private let store: any EventStore
    private let windows: AlertContextWindows
    private let emit: (Alert) throws -> Void
    /// Nil for a waiting alert whose context is already in its row.
    private var requests: [RemoteServiceContextRequest?] = []
    private var rows: [[RowValue]] = []
    private var columns: [AlertColumns] = []
    /// Where the request's columns are in the rule's rows, found at its first alert (and again
    /// if a rule run's columns change).
    private var requestColumns: AlertContextKind.RequestColumns?
    /// The store's lookup, made at the first alert and kept for the rule's run.
    private var lookup: (any RemoteServiceContextLookup)?

    init(kind: AlertContextKind, rule: DetectionRule, store: any EventStore, windows: AlertContextWindows,
         emit: @escaping (Alert) throws -> Void) {
        self.kind = kind
        self.rule = rule
        self.store = store
        self.windows = windows
        self.emit = emit
        batchSize = store.contextBatchSize
    }

    func add(_ alert: consuming Alert) throws {
        if requestColumns?.columns !== alert.columns { requestColumns = AlertContextKind.RequestColumns(alert.columns) }
        let request = requestColumns.map { kind.request(for: alert, at: $0) }!
        if lookup == nil { lookup = try store.remoteServiceContextLookup(windows: windows) }
        var alert = alert
        if try lookup!.keptContext(of: request, into: &alert.row, at: alert.row.count - kind.columns.count) {
            if rows.isEmpty { return try emit(alert) }
            requests.append(nil)
            rows.append(alert.row)
            columns.append(alert.columns)
        } else {
            requests.append(request)
            rows.append(alert.row)
            columns.append(alert.columns)
        }
        if rows.count >= batchSize { try flush() }
    }

    /// Looks up the context of the waiting alerts and passes them on.
    func flush() throws {
        guard !rows.isEmpty else { return }
        var batch = rows
        let batchColumns = columns
        let asked = requests
        rows = []
        columns = []
        rows.reserveCapacity(batchSize)
        requests.removeAll(keepingCapacity: true)
        let wanted = asked.compactMap { $0 }
        let contexts: [RemoteServiceContext]
        switch kind {
        case .remoteService:
            contexts = wanted.isEmpty ? [] : try lookup!.contexts(for: wanted)
        }
        var next = 0
        for i in batch.indices {
            var row = batch[i]
            batch[i] = []
            if asked[i] != nil {
                kind.write(contexts[next], into: &row, at: row.count - kind.columns.count)
                next += 1
            }
            try emit(Alert(rule: rule, row: row, columns: batchColumns[i]))
        }
    }
}
