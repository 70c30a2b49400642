/// Decodes the stored `args` column, a JSON array of strings (`["a","b \"c\""]`).
///
/// Small on purpose: the store writes these arrays itself, so anything else is not an array of
/// strings and decodes to nil.
enum JSONStringArray {
    static func decode(_ text: String) -> [String]? {
        var bytes = Array(text.utf8)[...]
        func skipSpace() { while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() } }
        skipSpace()
        guard bytes.popFirst() == UInt8(ascii: "[") else { return nil }
        var values: [String] = []
        skipSpace()
        if bytes.first == UInt8(ascii: "]") { bytes.removeFirst(); skipSpace(); return bytes.isEmpty ? values : nil }
        while true {
            skipSpace()
            guard let value = string(&bytes) else { return nil }
            values.append(value)
            skipSpace()
            switch bytes.popFirst() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): skipSpace(); return bytes.isEmpty ? values : nil
            default: return nil
            }
        }
    }

    /// One JSON string at the front of `bytes`, unescaped.
    private static func string(_ bytes: inout ArraySlice<UInt8>) -> String? {
        guard bytes.popFirst() == UInt8(ascii: "\"") else { return nil }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let escaped = bytes.popFirst() else { return nil }
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard var unit = hex4(&bytes) else { return nil }
                    if (0xD800..<0xDC00).contains(unit), bytes.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) {
                        bytes.removeFirst(2)
                        guard let low = hex4(&bytes), (0xDC00..<0xE000).contains(low) else { return nil }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(unit) else { return nil }
                    scalars.append(scalar)
                default: return nil
                }
            default:
                utf8.append(byte)
            }
        }
        return nil
    }

    private static func hex4(_ bytes: inout ArraySlice<UInt8>) -> UInt32? {
        guard bytes.count >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = bytes.popFirst().flatMap({ UInt32(String(UnicodeScalar($0)), radix: 16) }) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
