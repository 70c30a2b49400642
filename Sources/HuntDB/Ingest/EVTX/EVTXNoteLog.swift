import Model

/// Collects the notes of one EVTX file for its load report: the first `limit` as they are, a
/// count of the rest, and how many records were carved from how many chunks.
struct EVTXNoteLog {
    static let limit = 10

    private(set) var kept: [String] = []
    private var omitted = 0
    private var carvedRecords = 0
    private var carvedChunks = 0

    mutating func add(_ note: EVTXNote) {
        if kept.count < Self.limit { kept.append(note.text) } else { omitted += 1 }
        if note.carved {
            carvedRecords += note.records
            carvedChunks += 1
        }
    }

    /// The lines for `SourceReport.notes`.
    var lines: [String] {
        var lines = kept
        if omitted > 0 { lines.append("\(omitted) more note\(omitted == 1 ? "" : "s") like these") }
        if carvedChunks > 0 {
            lines.append("\(carvedRecords) record\(carvedRecords == 1 ? "" : "s") carved from \(carvedChunks) chunk\(carvedChunks == 1 ? "" : "s") whose header could not be trusted")
        }
        return lines
    }
}
