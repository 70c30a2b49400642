import Foundation

/// Rows in ClickHouse's RowBinary format, the cheapest for the server to read: integers
/// little-endian, strings as a LEB128 length then UTF-8, a Nullable value as one byte
/// (1 = null) then the value.
struct RowBinaryWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var rows = 0

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Counts a finished row.
    mutating func endRow() { rows += 1 }

    mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func uint8(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func nullableString(_ value: String?) {
        guard let value else { return bytes.append(1) }
        bytes.append(0)
        string(value)
    }

    mutating func nullableInt64(_ value: Int64?) {
        guard let value else { return bytes.append(1) }
        bytes.append(0)
        int64(value)
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rows = 0
    }

    var data: Data { Data(bytes) }
}
