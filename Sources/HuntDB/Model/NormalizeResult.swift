/// What normalizing one record gave.
public enum NormalizeResult: Sendable, Equatable {
    case event(NormalizedEvent)
    /// Valid, but not a process start or network connection (counted, not stored).
    case notRelevant
    /// Unusable: the sentence says what is wrong (e.g. `DestinationPort "abc" is not a port number`).
    case rejected(String)
}

extension NormalizeResult {
    /// Whether the record was rejected.
    public var isRejected: Bool {
        if case .rejected = self { return true }
        return false
    }
}
