/// One record's result with where it was found in its source: what a reader hands the store.
public struct RecordOutcome: Sendable {
    /// Line number (NDJSON) or record number (everything else).
    public var number: Int64
    /// Byte offset in the (decompressed) stream.
    public var offset: Int64
    public var result: NormalizeResult
    /// The start of the record, kept for rejects only.
    public var excerpt: String
    /// The event's `contentKey`, when the reading thread computed it (`sealContentKey`), so the
    /// writing thread, the load's busier one, does not hash the event again.
    public private(set) var contentKey: Int64?

    public init(number: Int64, offset: Int64, result: NormalizeResult, excerpt: String = "") {
        self.number = number
        self.offset = offset
        self.result = result
        self.excerpt = excerpt
    }

    /// Computes the event's content key now (on the reading thread); nothing for other results.
    public mutating func sealContentKey() {
        if case .event(let event) = result { contentKey = event.contentKey }
    }
}
