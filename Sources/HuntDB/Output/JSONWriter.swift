import Model

/// JSON output: an array of objects, or one object per line (NDJSON). Integers stay numbers,
/// NULL is `null`, blobs are hex strings.
final class JSONWriter: RowSink {
    private let sink: OutputSink
    private let lineDelimited: Bool
    private var keys: [String] = []
    private var count = 0

    init(sink: OutputSink, lineDelimited: Bool) {
        self.sink = sink
        self.lineDelimited = lineDelimited
    }

    func begin(columns: [String]) throws {
        keys = columns.map(JSONText.string)
        if !lineDelimited { try sink.write("[") }
    }

    func write(_ row: [RowValue]) throws {
        var text = lineDelimited ? "" : (count == 0 ? "\n" : ",\n")
        text += "{"
        for (i, value) in row.enumerated() {
            if i > 0 { text += "," }
            text += keys[i] + ":"
            switch value {
            case .null: text += "null"
            case .integer(let v): text += String(v)
            case .real(let v): text += v.isFinite ? String(v) : "null"
            case .text(let v): text += JSONText.string(v)
            case .blob: text += JSONText.string(value.description)
            case .json(let v): text += v
            }
        }
        text += "}"
        if lineDelimited { text += "\n" }
        count += 1
        try sink.write(text)
    }

    func end() throws {
        if !lineDelimited { try sink.write(count == 0 ? "]\n" : "\n]\n") }
        try sink.flush()
    }
}
