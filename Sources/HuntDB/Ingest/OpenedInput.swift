import Normalize
import Model

/// An input opened and sniffed: compression, text encoding and format known, ready to be read.
struct OpenedInput: @unchecked Sendable {
    let path: String
    let file: FileInput
    /// The decompressed stream as UTF-8 text (EVTX as it is), starting again at its first byte.
    let stream: ByteInput
    let format: InputFormat
    let compression: String
    /// The encoding the text was decoded from.
    let encoding: InputTextEncoding
    /// Stream offset of `stream`'s first byte (past a UTF-8 byte order mark).
    let streamOffset: Int64
    private let gzip: GzipInput?
    private let prefix: [UInt8]

    static let sniffSize = 64 << 10

    /// Opens `path` (or stdin for `-`), detects gzip by its magic bytes, then the text encoding
    /// (a byte order mark, UTF-16) and the format by the first bytes of the decompressed stream
    /// unless `forcedFormat` says otherwise.
    /// - Throws: `IngestError` when the file cannot be opened or its format is not recognized.
    init(path: String, forcedFormat: InputFormat) throws {
        self.path = path
        file = try FileInput(path: path)
        let rawPrefix = try Self.readPrefix(file, count: Self.sniffSize)
        var decompressed: ByteInput = file
        var bytes: [UInt8]
        if rawPrefix.starts(with: [0x1F, 0x8B]) {
            gzip = try GzipInput(source: file, path: path, prefix: rawPrefix)
            decompressed = gzip!
            compression = "gzip"
            // A damaged stream is sniffed from what decompresses; reading on reports the damage
            // after the records before it (GzipInput repeats its failure).
            bytes = try Self.readPrefix(decompressed, count: Self.sniffSize, stopAtDamage: true)
        } else {
            gzip = nil
            compression = "none"
            bytes = rawPrefix
        }
        (encoding, streamOffset, prefix, stream) = try Self.decodeText(bytes, rest: decompressed, forcedFormat: forcedFormat,
                                                                       damageIsSticky: gzip != nil)
        if forcedFormat != .auto {
            format = forcedFormat
        } else if let sniffed = InputFormat.sniff(prefix) {
            format = sniffed
        } else if prefix.isEmpty {
            format = .json  // an empty file: nothing to read, nothing wrong
        } else if let marker = EventTextMarker.first(in: prefix) {
            throw IngestError(path: path, "unknown format: the file does not start as JSON, XML or EVTX (it starts with \(quoted(excerptOf(prefix)))), yet it holds \(marker.text) at byte \(marker.offset) of its text: it may hold events that were not read")
        } else {
            var error = IngestError(path: path, "unknown format: the file is not JSON, XML or EVTX (it starts with \(quoted(excerptOf(prefix))))")
            error.isNotAnEventLog = true
            throw error
        }
    }

    /// Strips a byte order mark and decodes UTF-16, from the stream's first bytes on: nothing is
    /// looked at past the start, so UTF-8 input without a mark costs nothing more.
    private static func decodeText(_ bytes: [UInt8], rest: ByteInput, forcedFormat: InputFormat, damageIsSticky: Bool)
        throws -> (InputTextEncoding, Int64, [UInt8], ByteInput) {
        guard forcedFormat != .evtx, !bytes.starts(with: Array("ElfFile\0".utf8)) else {
            return (.utf8, 0, bytes, PrefixedInput(prefix: bytes, source: rest))
        }
        let (encoding, bomLength) = TextEncodingSniff.detect(bytes)
        let afterMark = Array(bytes.dropFirst(bomLength))
        guard encoding != .utf8 else {
            return (.utf8, Int64(bomLength), afterMark, PrefixedInput(prefix: afterMark, source: rest))
        }
        let utf16 = UTF16Input(source: PrefixedInput(prefix: afterMark, source: rest), bigEndian: encoding == .utf16BE)
        let text = try readPrefix(utf16, count: sniffSize, stopAtDamage: damageIsSticky)
        return (encoding, 0, text, PrefixedInput(prefix: text, source: utf16))
    }

    /// Whether `error`, thrown by `init`, says the input is in no format we read and shows no
    /// sign of holding events.
    static func isUnknownFormat(_ error: IngestError) -> Bool {
        error.isNotAnEventLog
    }

    /// The format label to record: the reader's, plus the text encoding when it was not UTF-8
    /// (offsets in rejects are then into the decoded UTF-8 text).
    func formatLabel(reader label: String) -> String {
        encoding.label.map { label + " (\($0))" } ?? label
    }

    /// What the load should know about a stream read whole, e.g. padding ignored after gzip data.
    var readingNote: String? {
        guard let padding = gzip?.trailingZeroBytes, padding > 0 else { return nil }
        return "\(padding) bytes of zero padding after the gzip stream were ignored"
    }

    /// The reader for this input's format.
    /// - Parameter readsFlatDirectly: whether JSON reads flat-dialect lines with
    ///   `FlatDialectReader` first (false: the generic reader alone, for comparisons).
    func makeSource(readsFlatDirectly: Bool = true) -> Result<any RecordSource, IngestError> {
        switch format {
        case .xml:
            return .success(XMLRecordSource(buffer: StreamBuffer(input: stream, startOffset: streamOffset)))
        case .evtx:
            return .success(EVTXRecordSource(input: stream, path: path))
        case .auto, .json, .sysmonFlat, .winlogbeat, .ecs, .evtxJSON:
            return .success(JSONRecordSource(buffer: StreamBuffer(input: stream, startOffset: streamOffset), prefix: prefix, dialect: format.forcedDialect,
                                             readsFlatDirectly: readsFlatDirectly))
        }
    }

    private static func readPrefix(_ input: ByteInput, count: Int, stopAtDamage: Bool = false) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n: Int
            do {
                n = try bytes.withUnsafeMutableBytes { try input.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            } catch is IngestError where stopAtDamage {
                break
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}

private func excerptOf(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBytes { excerpt($0, limit: 40) }
}
