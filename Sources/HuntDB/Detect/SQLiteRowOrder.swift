import Model

/// SQLite's ascending `ORDER BY` over some columns of rows: NULL first, then numbers by value,
/// then text by its UTF-8 bytes (the BINARY collation), then blobs by their bytes.
struct SQLiteRowOrder {
    /// The ordering columns' places in a row, most significant first.
    let slots: [Int]

    /// Whether `a` comes before `b`.
    func precedes(_ a: [RowValue], _ b: [RowValue]) -> Bool {
        for slot in slots {
            let order = Self.compare(a[slot], b[slot])
            if order != 0 { return order < 0 }
        }
        return false
    }

    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    static func compare(_ a: RowValue, _ b: RowValue) -> Int {
        let (classA, classB) = (storageClass(a), storageClass(b))
        if classA != classB { return classA < classB ? -1 : 1 }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.integer, _), (.real, _):
            let (x, y) = (number(a), number(b))
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.text(let x), .text(let y)), (.json(let x), .json(let y)), (.text(let x), .json(let y)), (.json(let x), .text(let y)):
            return bytes(x.utf8, y.utf8)
        case (.blob(let x), .blob(let y)):
            return bytes(x, y)
        default:
            return 0
        }
    }

    private static func storageClass(_ value: RowValue) -> Int {
        switch value {
        case .null: return 0
        case .integer, .real: return 1
        case .text, .json: return 2
        case .blob: return 3
        }
    }

    private static func number(_ value: RowValue) -> Double {
        switch value {
        case .integer(let x): return Double(x)
        case .real(let x): return x
        default: return 0
        }
    }

    private static func bytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Int {
        var (x, y) = (a.makeIterator(), b.makeIterator())
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let p?, let q?) where p != q: return p < q ? -1 : 1
            default: continue
            }
        }
    }
}
