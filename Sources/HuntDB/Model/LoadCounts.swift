/// Record counts of a load. They always add up: read = loaded + duplicates + notRelevant + rejected.
public struct LoadCounts: Sendable, Equatable {
    public var read: Int64 = 0
    public var loaded: Int64 = 0
    public var duplicates: Int64 = 0
    public var notRelevant: Int64 = 0
    public var rejected: Int64 = 0

    public init() {}

    public static func += (lhs: inout LoadCounts, rhs: LoadCounts) {
        lhs.read += rhs.read
        lhs.loaded += rhs.loaded
        lhs.duplicates += rhs.duplicates
        lhs.notRelevant += rhs.notRelevant
        lhs.rejected += rhs.rejected
    }

    public var addsUp: Bool { read == loaded + duplicates + notRelevant + rejected }
}
