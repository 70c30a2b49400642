#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Model

/// The texts and numbers of one kept alert context (`connection_context.record`,
/// `child_context.record`) packed into one BLOB, in an order each table fixes: a rule run reads
/// three columns a row instead of seventeen (each column costs SQLite a decode and the reader
/// two or three calls: at 2M events that was a third of the kept context's cost).
///
/// A text is its length + 1 as a LEB128 varint (0: NULL), then its UTF-8 bytes; an integer is a
/// byte (0: NULL, 1: a value) and, for a value, 8 bytes little-endian.
struct KeptContextRecordWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func append(_ text: String?) {
        guard var text else { return bytes.append(0) }
        text.withUTF8 { utf8 in
            var length = UInt64(utf8.count) + 1
            while length >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            bytes.append(UInt8(length))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func append(_ value: Int64?) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads a `KeptContextRecordWriter`'s fields back, in the order they were written. A record
/// shorter than its fields (a damaged file) throws.
struct KeptContextRecordReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next text's bytes, nil for NULL.
    mutating func textBytes() throws -> UnsafeRawBufferPointer? {
        var length: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Self.damaged }
            let byte = bytes[offset]
            offset += 1
            length |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard length > 0 else { return nil }
        let count = Int(length - 1)
        guard count <= bytes.count - offset else { throw Self.damaged }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// Whether the next text is `text` (both NULL, or the same bytes).
    mutating func nextText(is text: String?) throws -> Bool {
        let stored = try textBytes()
        guard let text else { return stored == nil }
        guard let stored else { return false }
        return Self.bytes(of: text, equal: stored)
    }

    /// Whether `text`'s UTF-8 is `bytes`.
    static func bytes(of text: String, equal bytes: UnsafeRawBufferPointer) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        guard bytes.count > 0 else { return true }
        if let same = text.utf8.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
            return same
        }
        return text.utf8.elementsEqual(bytes)
    }

    /// The next text as a row value (null for NULL).
    mutating func textValue() throws -> RowValue {
        try textBytes().map { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
    }

    /// The next text as a row value, long ones made once through `cache`.
    mutating func textValue(cache: inout RepeatedTextCache) throws -> RowValue {
        try textBytes().map { .text(cache.text($0)) } ?? .null
    }

    /// The next integer as a row value (null for NULL).
    mutating func integerValue() throws -> RowValue {
        try integer().map(RowValue.integer) ?? .null
    }

    mutating func integer() throws -> Int64? {
        guard offset < bytes.count else { throw Self.damaged }
        let present = bytes[offset]
        offset += 1
        guard present != 0 else { return nil }
        guard bytes.count - offset >= 8 else { throw Self.damaged }
        defer { offset += 8 }
        return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    private static let damaged = DatabaseError(code: 11, message: "a kept alert context record is shorter than its fields",
                                               purpose: "reading the kept alert context")
}

extension KeptContextRecordWriter {
    /// The logon's and the source side's values of `c`, in the order both kept tables write them.
    mutating func appendLogonAndSource(_ c: RemoteServiceContext) {
        append(c.logonUser)
        append(c.logonDomain)
        append(c.logonID)
        append(c.logonType)
        append(c.logonMicros)
        append(c.logonIP)
        append(c.sourceHost)
        append(c.sourceEntityID)
        append(c.sourceExecutable)
        append(c.sourceCommandLine)
        append(c.sourceClockOffsetMillis)
    }
}

extension KeptContextRecordReader {
    /// Reads `appendLogonAndSource`'s values into their columns of `row[first...]`
    /// (`RemoteServiceContext.columnNames`), long texts through `texts`.
    mutating func readLogonAndSource(into row: inout [RowValue], at first: Int, texts: inout RepeatedTextCache) throws {
        row[first] = try textValue()                       // logon_user
        row[first + 1] = try textValue()                   // logon_domain
        row[first + 2] = try textValue()                   // logon_id
        row[first + 3] = try integerValue()                // logon_type
        row[first + 4] = try integerValue()                // logon_time
        row[first + 5] = try textValue()                   // logon_ip
        row[first + 9] = try textValue(cache: &texts)      // source_host
        row[first + 10] = try textValue()                  // source_entity_id
        row[first + 11] = try textValue(cache: &texts)     // source_executable
        row[first + 12] = try textValue(cache: &texts)     // source_command_line
        row[first + 13] = try integerValue()               // clock_offset_ms
    }
}
