/// A condition that every event a rule matches satisfies, written in texts its columns must
/// contain: weaker than the rule (it drops negations, regular expressions without a required
/// text, numbers, addresses), never stronger. When no event of a run satisfies it, the rule
/// cannot match there and need not run; `LiteralScreen` decides that for all rules in one pass.
public indirect enum LiteralNeed: Sendable, Hashable {
    /// No condition: any event may match.
    case anything
    /// The column's value contains these bytes, ignoring ASCII case (a NULL value contains
    /// nothing); when `folded`, the value lower-cased (Unicode, like `hunt_fold`) contains them.
    case contains(column: String, text: [UInt8], folded: Bool)
    /// Every part holds.
    case all([LiteralNeed])
    /// At least one part holds.
    case any([LiteralNeed])

    /// Every part holds; `anything` parts add nothing.
    public static func allOf(_ parts: [LiteralNeed]) -> LiteralNeed {
        let kept = parts.filter { $0 != .anything }
        if kept.isEmpty { return .anything }
        return kept.count == 1 ? kept[0] : .all(kept)
    }

    /// At least one part holds; one `anything` part makes the whole `anything`.
    public static func anyOf(_ parts: [LiteralNeed]) -> LiteralNeed {
        if parts.isEmpty || parts.contains(.anything) { return .anything }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    /// The columns it reads.
    var columns: Set<String> {
        switch self {
        case .anything: return []
        case .contains(let column, _, _): return [column]
        case .all(let parts), .any(let parts): return parts.reduce(into: []) { $0.formUnion($1.columns) }
        }
    }
}

/// A rule's `LiteralNeed` over one event table.
public struct LiteralPrefilter: Sendable, Equatable {
    /// The event table (`processes`, `network_connections`).
    public let table: String
    /// The columns of the table's distinct-values table (the same for every rule of the table);
    /// a need on another column is not screened.
    public let columns: [String]
    /// Never `anything` (a rule without a condition has no literal prefilter).
    public let need: LiteralNeed

    public init?(table: String, columns: [String], need: LiteralNeed) {
        if need == .anything { return nil }
        self.table = table
        self.columns = columns
        self.need = need
    }
}
