import Model

/// JSON output: an array of objects, or one object per line (NDJSON). Integers stay numbers,
/// NULL is `null`, blobs are hex strings.
final class JSONWriter: RowSink {
    private let sink: OutputSink
    private let lineDelimited: Bool
    /// Each column's `"name":`, as bytes.
    private var keys: [[UInt8]] = []
    private var count = 0
    /// The line being written, reused.
    private var line: [UInt8] = []

    init(sink: OutputSink, lineDelimited: Bool) {
        self.sink = sink
        self.lineDelimited = lineDelimited
    }

    func begin(columns: [String]) throws {
        keys = columns.map { column in
            var bytes: [UInt8] = []
            JSONText.append(column, to: &bytes)
            return bytes + [UInt8(ascii: ":")]
        }
        if !lineDelimited { try sink.write("[") }
    }

    func write(_ row: [RowValue]) throws {
        // The reused buffer, taken out of the object while the row is written: appends to a
        // local array skip Swift's exclusivity checks on a class property (one per append).
        var line: [UInt8] = []
        swap(&line, &self.line)
        defer { swap(&line, &self.line) }
        line.removeAll(keepingCapacity: true)
        if !lineDelimited { line.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8) }
        line.append(UInt8(ascii: "{"))
        // The row's values and the keys are borrowed, not copied: no reference counting per value.
        row.withUnsafeBufferPointer { values in
            keys.withUnsafeBufferPointer { keys in
                for i in values.indices {
                    if i > 0 { line.append(UInt8(ascii: ",")) }
                    line.append(contentsOf: keys[i])
                    switch values[i] {
                    case .null: line.append(contentsOf: "null".utf8)
                    case .integer(let v): Self.appendDecimal(v, to: &line)
                    case .real(let v): line.append(contentsOf: (v.isFinite ? String(v) : "null").utf8)
                    case .text(let v): JSONText.append(v, to: &line)
                    case .blob: JSONText.append(values[i].description, to: &line)
                    case .json(let v): line.append(contentsOf: v.utf8)
                    }
                }
            }
        }
        line.append(UInt8(ascii: "}"))
        if lineDelimited { line.append(UInt8(ascii: "\n")) }
        count += 1
        try sink.write(bytes: line)
    }

    /// Appends `value` in decimal, as `String(value)` writes it, without making a string.
    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        guard value != .min else { out.append(contentsOf: String(value).utf8); return }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 19 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[i...])
        }
    }

    func end() throws {
        if !lineDelimited { try sink.write(count == 0 ? "]\n" : "\n]\n") }
        try sink.flush()
    }
}
