/// Something the store noted about an event it loaded: the event is stored, and the warning
/// says what an analyst should know about it.
public struct RecordWarning: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A field a rule needs was missing.
        case incomplete
        /// A field was cut to the longest Windows allows.
        case truncated
        /// The host already held another event under the same record key; both are kept.
        case colliding
    }

    /// Line number (NDJSON) or record number in the source.
    public var record: Int64
    public var offset: Int64
    public var kind: Kind
    /// A sentence naming the fields or the other event.
    public var reason: String

    public init(record: Int64, offset: Int64, kind: Kind, reason: String) {
        self.record = record
        self.offset = offset
        self.kind = kind
        self.reason = reason
    }
}
