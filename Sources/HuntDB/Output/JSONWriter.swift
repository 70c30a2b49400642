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
        line.removeAll(keepingCapacity: true)
        if !lineDelimited { line.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8) }
        line.append(UInt8(ascii: "{"))
        for (i, value) in row.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            line.append(contentsOf: keys[i])
            switch value {
            case .null: line.append(contentsOf: "null".utf8)
            case .integer(let v): line.append(contentsOf: String(v).utf8)
            case .real(let v): line.append(contentsOf: (v.isFinite ? String(v) : "null").utf8)
            case .text(let v): JSONText.append(v, to: &line)
            case .blob: JSONText.append(value.description, to: &line)
            case .json(let v): line.append(contentsOf: v.utf8)
            }
        }
        line.append(UInt8(ascii: "}"))
        if lineDelimited { line.append(UInt8(ascii: "\n")) }
        count += 1
        try sink.write(bytes: line)
    }

    func end() throws {
        if !lineDelimited { try sink.write(count == 0 ? "]\n" : "\n]\n") }
        try sink.flush()
    }
}
