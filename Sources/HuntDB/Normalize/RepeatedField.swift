import Model

extension FieldProblem {
    /// A field the record gives more than once. Readers disagree on which value counts (ours and
    /// most XML readers keep the first, strict JSON readers the last), so a forged record could
    /// show each reader a different event: it is rejected, never guessed at.
    package static func repeated(_ field: String) -> FieldProblem {
        FieldProblem("the record repeats the field \(field) (readers disagree on which value counts)")
    }
}

extension WindowsEvent {
    /// The first EventData name the normalizer reads that the event gives twice, if any.
    package func repeatedMappedDataName() -> String? {
        var seen = Set<SysmonField>()
        for item in data {
            guard let field = Self.mappedFields[item.name] else { continue }
            if !seen.insert(field).inserted { return item.name }
        }
        return nil
    }

    private static let mappedFields: [String: SysmonField] = Dictionary(
        uniqueKeysWithValues: SysmonField.eventDataFields.map { ($0.eventDataName!, $0) })
}
