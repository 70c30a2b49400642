import Model
import Store

/// A rule that a store runs as queries plus work in Swift, where its dialect cannot say it in
/// one query (a Sigma correlation on ClickHouse 18.16: no window functions, no recursive
/// queries). It writes the same alert rows as the rule's SQL would.
public protocol DetectionProgram: Sendable {
    /// Writes the rule's rows (the columns its header declares) into `sink`: `begin`, the rows
    /// in the rule's order, `end`.
    /// - Throws: `StoreError` from the store, or the reason the rule cannot finish.
    func run(on store: any EventStore, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws
}
