import Model
import Store

/// Adds a rule's context columns to its alerts, a batch at a time: the alerts that survived the
/// allowlist are held until the store's `contextBatchSize` are waiting (or the rule ends), their context is looked
/// up in one call of the store's lookup (kept for the rule's run), and they are passed on in the
/// order they came.
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
    private var requests: [RemoteServiceContextRequest] = []
    private var rows: [[RowValue]] = []
    private var columns: [AlertColumns] = []
    /// Where the request's columns are in the rule's rows, found at its first alert.
    private var requestColumns: AlertContextKind.RequestColumns?
    /// The store's lookup, made at the first batch and kept for the rule's run.
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

    func add(_ alert: Alert) throws {
        if requestColumns?.columns !== alert.columns { requestColumns = AlertContextKind.RequestColumns(alert.columns) }
        requests.append(kind.request(for: alert, at: requestColumns!))
        rows.append(alert.row)
        columns.append(alert.columns)
        if rows.count >= batchSize { try flush() }
    }

    /// Looks up the context of the waiting alerts and passes them on.
    func flush() throws {
        guard !rows.isEmpty else { return }
        var batch = rows
        let batchColumns = columns
        rows = []
        columns = []
        rows.reserveCapacity(batchSize)
        let contexts: [RemoteServiceContext]
        switch kind {
        case .remoteService:
            if lookup == nil { lookup = try store.remoteServiceContextLookup(windows: windows) }
            contexts = try lookup!.contexts(for: requests)
        }
        requests.removeAll(keepingCapacity: true)
        for i in batch.indices {
            var row = batch[i]
            batch[i] = []
            kind.write(contexts[i], into: &row, at: row.count - kind.columns.count)
            try emit(Alert(rule: rule, row: row, columns: batchColumns[i]))
        }
    }
}
