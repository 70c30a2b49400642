/// Record counts of a load. They always add up: read = loaded + duplicates + notRelevant + rejected.
/// `incomplete`, `truncated` and `colliding` say more about some of the loaded events; they are
/// not part of that sum.
public struct LoadCounts: Sendable, Equatable {
    public var read: Int64 = 0
    public var loaded: Int64 = 0
    public var duplicates: Int64 = 0
    public var notRelevant: Int64 = 0
    public var rejected: Int64 = 0
    /// Loaded events that lacked a field a rule needs.
    public var incomplete: Int64 = 0
    /// Loaded events with a field cut to the longest Windows allows.
    public var truncated: Int64 = 0
    /// Loaded events whose record key the host already held for another event (both are kept).
    public var colliding: Int64 = 0

    public init() {}

    public static func += (lhs: inout LoadCounts, rhs: LoadCounts) {
        lhs.read += rhs.read
        lhs.loaded += rhs.loaded
        lhs.duplicates += rhs.duplicates
        lhs.notRelevant += rhs.notRelevant
        lhs.rejected += rhs.rejected
        lhs.incomplete += rhs.incomplete
        lhs.truncated += rhs.truncated
        lhs.colliding += rhs.colliding
    }

    public var addsUp: Bool { read == loaded + duplicates + notRelevant + rejected }
}

extension LoadCounts {
    /// Counts one warning about a loaded event.
    public mutating func count(_ warning: RecordWarning.Kind) {
        switch warning {
        case .incomplete: incomplete += 1
        case .truncated: truncated += 1
        case .colliding: colliding += 1
        }
    }
}
