import Model

/// Decodes the stored `args` column, a JSON array of strings (`["a","b \"c\""]`), as
/// `JSONText.array` writes it; anything else decodes to nil.
enum JSONStringArray {
    static func decode(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) -> [String]? {
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        func next(_ byte: Character) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == byte.asciiValue else { return false }
            i += 1
            return true
        }
        guard next("[") else { return nil }
        var values: [String] = []
        if !next("]") {
            repeat {
                guard next("\"") else { return nil }
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < bytes.count else { return nil }
                values.append(JSONString.unescape(UnsafeRawBufferPointer(rebasing: bytes[start..<i])))
                i += 1
            } while next(",")
            guard next("]") else { return nil }
        }
        skipSpace()
        return i == bytes.count ? values : nil
    }
}
