import Model
import Store

/// Adds a rule's context columns to its alerts, a batch at a time: the alerts that survived the
/// allowlist are held until `batchSize` are waiting (or the rule ends), their context is looked
/// up in one store call, and they are passed on in the order they came.
final class AlertContextBatch {
    static let batchSize = 2048

    private let kind: AlertContextKind
    private let rule: DetectionRule
    private let store: any EventStore
    private let windows: AlertContextWindows
    private let emit: (Alert) throws -> Void
    private var waiting: [Alert] = []
    /// The store's lookup, made at the first batch and kept for the rule's run.
    private var lookup: (any RemoteServiceContextLookup)?

    init(kind: AlertContextKind, rule: DetectionRule, store: any EventStore, windows: AlertContextWindows,
         emit: @escaping (Alert) throws -> Void) {
        self.kind = kind
        self.rule = rule
        self.store = store
        self.windows = windows
        self.emit = emit
    }

    func add(_ alert: Alert) throws {
        waiting.append(alert)
        if waiting.count >= Self.batchSize { try flush() }
    }

    /// Looks up the context of the waiting alerts and passes them on.
    func flush() throws {
        guard !waiting.isEmpty else { return }
        let batch = waiting
        waiting.removeAll(keepingCapacity: true)
        let contexts: [RemoteServiceContext]
        switch kind {
        case .remoteService:
            if lookup == nil { lookup = try store.remoteServiceContextLookup(windows: windows) }
            contexts = try lookup!.contexts(for: batch.map(kind.request))
        }
        let first = batch.first.map { $0.row.count - kind.columns.count } ?? 0
        for (alert, context) in zip(batch, contexts) {
            var row = alert.row
            kind.write(context, into: &row, at: first)
            try emit(Alert(rule: rule, row: row, columns: alert.columns))
        }
    }
}
