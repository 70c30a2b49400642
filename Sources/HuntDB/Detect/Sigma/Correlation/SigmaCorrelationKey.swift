import Model

/// Group values (or one value_count value) compared as SQLite compares them: text by its UTF-8
/// bytes. Swift's `String` equality is Unicode canonical equivalence, which would put "é"
/// (U+00E9) and "e" + U+0301 in one group where SQLite's `GROUP BY` and `count(DISTINCT)` keep
/// them apart; other values compare as `RowValue` does.
struct SigmaCorrelationKey: Hashable {
    let values: [RowValue]

    init(_ values: [RowValue]) { self.values = values }

    static func == (a: SigmaCorrelationKey, b: SigmaCorrelationKey) -> Bool {
        guard a.values.count == b.values.count else { return false }
        for (x, y) in zip(a.values, b.values) where !sameBytes(x, y) { return false }
        return true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(values.count)
        for value in values { Self.combine(value, into: &hasher) }
    }

    /// One value_count value, keyed the same way without an array per event.
    struct Single: Hashable {
        let value: RowValue

        static func == (a: Single, b: Single) -> Bool { SigmaCorrelationKey.sameBytes(a.value, b.value) }
        func hash(into hasher: inout Hasher) { SigmaCorrelationKey.combine(value, into: &hasher) }
    }

    private static func combine(_ value: RowValue, into hasher: inout Hasher) {
        switch value {
        case .text(let text), .json(let text):
            hasher.combine(0xFE as UInt8)
            combineUTF8(text, into: &hasher)
        default:
            hasher.combine(value)
        }
    }

    private static func sameBytes(_ x: RowValue, _ y: RowValue) -> Bool {
        switch (x, y) {
        case (.text(let a), .text(let b)), (.json(let a), .json(let b)):
            return a.utf8.elementsEqual(b.utf8)
        default:
            return x == y
        }
    }

    private static func combineUTF8(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }
}
