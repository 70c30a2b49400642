import Normalize
import Model

/// An input opened and sniffed: compression and format known, ready to be read.
struct OpenedInput: @unchecked Sendable {
    let path: String
    let file: FileInput
    /// The decompressed stream, starting again at its first byte.
    let stream: ByteInput
    let format: InputFormat
    let compression: String
    private let prefix: [UInt8]

    static let sniffSize = 64 << 10

    /// Opens `path` (or stdin for `-`), detects gzip by its magic bytes and the format by the
    /// first bytes of the decompressed stream unless `forcedFormat` says otherwise.
    /// - Throws: `IngestError` when the file cannot be opened or its format is not recognized.
    init(path: String, forcedFormat: InputFormat) throws {
        self.path = path
        file = try FileInput(path: path)
        let rawPrefix = try Self.readPrefix(file, count: Self.sniffSize)
        var decompressed: ByteInput = file
        if rawPrefix.starts(with: [0x1F, 0x8B]) {
            decompressed = try GzipInput(source: file, path: path, prefix: rawPrefix)
            compression = "gzip"
            // A damaged stream is sniffed from what decompresses; reading on reports the damage
            // after the records before it (GzipInput repeats its failure).
            prefix = try Self.readPrefix(decompressed, count: Self.sniffSize, stopAtDamage: true)
        } else {
            compression = "none"
            prefix = rawPrefix
        }
        stream = PrefixedInput(prefix: prefix, source: decompressed)
        if forcedFormat != .auto {
            format = forcedFormat
        } else if let sniffed = InputFormat.sniff(prefix) {
            format = sniffed
        } else if prefix.isEmpty {
            format = .json  // an empty file: nothing to read, nothing wrong
        } else {
            throw IngestError(path: path, "unknown format: the file is not JSON, XML or EVTX (it starts with \(quoted(excerptOf(prefix))))")
        }
    }

    /// Whether `error`, thrown by `init`, says the input is in no format we read.
    static func isUnknownFormat(_ error: IngestError) -> Bool {
        error.message.hasPrefix("unknown format")
    }

    /// The reader for this input's format.
    func makeSource() -> Result<any RecordSource, IngestError> {
        switch format {
        case .xml:
            return .success(XMLRecordSource(buffer: StreamBuffer(input: stream)))
        case .evtx:
            return .success(EVTXRecordSource(input: stream, path: path))
        case .auto, .json, .sysmonFlat, .winlogbeat, .ecs, .evtxJSON:
            return .success(JSONRecordSource(buffer: StreamBuffer(input: stream), prefix: prefix, dialect: format.forcedDialect))
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
