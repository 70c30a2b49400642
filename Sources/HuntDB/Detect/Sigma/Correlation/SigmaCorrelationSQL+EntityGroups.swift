/// Group values that are process entity ids (ProcessGuid, ParentProcessGuid, as in our
/// remote-service correlation's `services_instance`) are carried as the integer key of the
/// compact store's `entities` dictionary instead of the text: one text has one key (the
/// dictionary's value is unique), so groups are the same, and no event row needs an `entities`
/// lookup — at 10M events those random lookups were most of the correlation's time. Only an
/// alert's `group` spells the text, looked up once per alert.
///
/// Used when every referenced input is a rule that reads narrow rows, and not when the
/// correlation's alerts are the events of another (its group values must then be texts, to
/// compare with the other's rules).
extension SigmaCorrelationSQL {
    /// The entity-id view columns and their key columns in the compact tables.
    static let entityKeys = ["e.entity_id": "entity_ref", "e.parent_entity_id": "parent_entity_ref"]

    /// The group positions (0-based) carried as entity keys.
    func entityGroupPositions(asInput: Bool) -> Set<Int> {
        guard !asInput, !chains else { return [] }
        let positions = correlation.groupBy.indices.filter { position in
            compiled.groupSQL.allSatisfy { Self.entityKeys[$0[position]] != nil }
        }
        guard !positions.isEmpty else { return [] }
        // Every rule must read narrow rows (the views have no keys).
        for (index, input) in compiled.inputs.enumerated() {
            guard case .rule(let rule) = input else { return [] }
            let groups = groupSQL(index, keyed: Set(positions))
            let read = SigmaCorrelationEventRows.columns(readBy: [rule.predicate] + groups + (compiled.valueSQL.map { [$0[index]] } ?? []))
            if SigmaCorrelationEventRows.relation(rule.kind, columns: read) == nil { return [] }
        }
        return Set(positions)
    }

    /// The group expressions of input `index`, those at `keyed` positions as entity keys.
    func groupSQL(_ index: Int, keyed: Set<Int>) -> [String] {
        compiled.groupSQL[index].enumerated().map { position, sql in
            keyed.contains(position) ? "e." + Self.entityKeys[sql]! : sql
        }
    }
}
