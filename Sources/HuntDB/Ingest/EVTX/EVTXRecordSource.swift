import Model
import Normalize

/// Native `.evtx` files: every record through the same Sysmon normalization as the XML dialect;
/// each damaged chunk or record becomes one rejected record with its byte offset.
struct EVTXRecordSource: RecordSource {
    let input: ByteInput
    let path: String
    var formatLabel: String { "evtx" }

    mutating func read(_ emit: (RecordOutcome) -> Bool) throws {
        var number: Int64 = 0
        do {
            try EVTXReader().read(from: input) { item in
                number += 1
                switch item {
                case .event(let event, _, let offset):
                    let result = SysmonNormalizer.normalize(event)
                    var outcome = RecordOutcome(number: number, offset: offset, result: result)
                    if case .rejected = result { outcome.excerpt = Self.describe(event) }
                    return emit(outcome)
                case .damaged(let offset, let reason):
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
