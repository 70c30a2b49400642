import Model
import Normalize

/// Decodes JSON records in any supported dialect into normalization results.
///
/// One decoder per thread: it reuses its tape and slot arrays, so decoding allocates only for the
/// strings of relevant events.
struct JSONRecordDecoder {
    /// Forces one dialect for every record; nil detects it per record.
    let forcedDialect: JSONDialect?
    private var tape = JSONTape()
    private var slots: [Int32] = []
    private var ranks: [Int32] = []
    /// How many records of each dialect were decoded, for the source's format label.
    private(set) var dialectCounts: [JSONDialect: Int] = [:]

    init(forcedDialect: JSONDialect? = nil) {
        self.forcedDialect = forcedDialect
    }

    /// Decodes one framed JSON value. An Elasticsearch search response (`hits.hits`) yields one
    /// result per hit; `_source` wrappers are unwrapped.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, _ emit: (NormalizeResult) -> Void) {
        if forcedDialect != .ecs, RelevanceProbe.isCertainlyIrrelevant(bytes) {
            emit(.notRelevant)
            return
        }
        if let problem = UTF8Validation.firstInvalidOffset(bytes) {
            emit(.rejected("invalid UTF-8 at byte \(problem) of the record"))
            return
        }
        do {
            try tape.parse(bytes)
        } catch {
            emit(.rejected("malformed JSON at byte \(error.offset) of the record: \(error.message)"))
            return
        }
        let root = tape.root
        guard tape.tokens[root].kind == .object else {
            emit(.rejected("expected a JSON object, found \(tape.kindName(root))"))
            return
        }
        if let hits = tape.member("hits", of: root).flatMap({ tape.member("hits", of: $0) }), tape.tokens[hits].kind == .array {
            let tape = self.tape
            tape.forEachElement(of: hits) { hit in
                emit(tape.tokens[hit].kind == .object
                     ? decodeObject(hit, bytes: bytes)
                     : .rejected("an element of hits.hits is \(tape.kindName(hit)), not an object"))
            }
            return
        }
        emit(decodeObject(root, bytes: bytes))
    }

    private mutating func decodeObject(_ object: Int, bytes: UnsafeRawBufferPointer) -> NormalizeResult {
        var object = object
        if let source = tape.member("_source", of: object), tape.tokens[source].kind == .object { object = source }
        guard let dialect = forcedDialect ?? JSONDialect.detect(tape: tape, object: object) else {
            return .rejected("unknown JSON event format: no EventID, winlog, Event or event field")
        }
        dialectCounts[dialect, default: 0] += 1
        let map = dialect.pathMap
        if slots.count != map.slotCount {
            slots = Array(repeating: -1, count: map.slotCount)
            ranks = Array(repeating: 0, count: map.slotCount)
        }
        map.fill(&slots, ranks: &ranks, from: tape, object: object)
        let range = tape.tokens[object]
        let raw = UnsafeRawBufferPointer(rebasing: bytes[Int(range.start)..<Int(range.end)])
        let view = JSONFieldView(tape: tape, slots: slots, raw: raw)
        switch dialect {
        case .ecs: return ECSNormalizer.normalize(view)
        case .sysmonFlat, .winlogbeat, .evtxJSON: return SysmonNormalizer.normalize(view)
        }
    }
}

/// A record's mapped slots, read as Sysmon or ECS fields.
private struct JSONFieldView: SysmonRecord, ECSRecord {
    let tape: JSONTape
    let slots: [Int32]
    let raw: UnsafeRawBufferPointer

    func text(_ field: SysmonField) -> String? { text(slot: field.rawValue) }
    func text(_ field: ECSField) -> String? { text(slot: field.rawValue) }

    private func text(slot: Int) -> String? {
        let token = Int(slots[slot])
        return token < 0 ? nil : tape.string(token)
    }

    func strings(_ field: ECSField) -> [String]? {
        let token = Int(slots[field.rawValue])
        guard token >= 0 else { return nil }
        guard tape.tokens[token].kind == .array else { return tape.string(token).map { [$0] } }
        var values: [String] = []
        tape.forEachElement(of: token) { element in
            if let value = tape.string(element) { values.append(value) }
        }
        return values
    }

    func rawBytes() -> [UInt8] { Array(raw) }
}
