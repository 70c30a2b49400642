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


}

/// A rule's `LiteralNeed` over one event table.
public struct LiteralPrefilter: Sendable, Equatable {
    /// The event table (`processes`, `network_connections`).
    public let table: String
    /// Never `anything` (a rule without a condition has no literal prefilter).
    public let need: LiteralNeed
    /// The rule's query limited to the events whose ids `:hunt_candidates` lists (a JSON array).
    public let restrictedSQL: String

    public init?(table: String, need: LiteralNeed, restrictedSQL: String) {
        if need == .anything { return nil }
        self.table = table
        self.need = need
        self.restrictedSQL = restrictedSQL
    }
}
