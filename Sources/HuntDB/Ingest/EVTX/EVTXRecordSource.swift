import Model
import Normalize

/// Native `.evtx` files: every record through the same Sysmon normalization as the XML dialect;
/// each damaged chunk or record becomes one rejected record with its byte offset, and problems
/// that lost nothing (a checksum mismatch, carved records) become notes.
struct EVTXRecordSource: RecordSource {
    let input: ByteInput
    let path: String
    var formatLabel: String { "evtx" }
    private var noteLog = EVTXNoteLog()
    var notes: [String] { noteLog.lines }

    init(input: ByteInput, path: String) {
        self.input = input
        self.path = path
    }

    mutating func read(_ emit: (consuming RecordOutcome) -> Bool) throws {
        var number: Int64 = 0
        var noteLog = self.noteLog
        defer { self.noteLog = noteLog }
        do {
            try EVTXReader().read(from: input) { item in
                switch item {
                case .note(let note):
                    noteLog.add(note)
                    return true
                case .event(let event, _, let offset):
                    number += 1
                    let result = WindowsEventNormalizer.normalize(event)
                    var outcome = RecordOutcome(number: number, offset: offset, result: result)
                    if case .rejected = result { outcome.excerpt = Self.describe(event) }
                    return emit(outcome)
                case .damaged(let offset, let reason):
                    number += 1
                    return emit(RecordOutcome(number: number, offset: offset, result: .rejected(reason), excerpt: ""))
                }
            }
        } catch let error as EVTXError {
            throw IngestError(path: path, error.message)
        }
    }

    private static func describe(_ event: WindowsEvent) -> String {
        let text = "EventID=\(event.eventID ?? "?") EventRecordID=\(event.recordID ?? "?") Computer=\(event.computer ?? "?")"
        return String(text.prefix(160))
    }
}
