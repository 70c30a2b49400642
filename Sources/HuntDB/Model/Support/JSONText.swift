/// Minimal JSON text for values the store keeps as JSON.
package enum JSONText {
    /// `["a","b\"c"]`
    package static func array(_ values: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(v, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    package static func string(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 2)
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as a JSON string: `"`, `\`, control characters escaped, every other byte
    /// as it is (a Swift string is valid UTF-8, so multi-byte characters pass through whole).
    package static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { append(escaping: $0, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` escaped. Text with nothing to escape (most of it) is found eight bytes at
    /// a time and appended whole; other text is escaped into a scratch buffer and appended once.
    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let first = firstToEscape(in: bytes)
        if first == bytes.count { out.append(contentsOf: bytes); return }
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        // Worst case six bytes out for one in (`\u001f`).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 6) { scratch in
            let from = bytes.baseAddress!, to = scratch.baseAddress!
            to.update(from: from, count: first)
            var w = first, i = first
            let n = bytes.count
            while i < n {
                let byte = from[i]
                i += 1
                if byte >= 0x20 && byte != quote && byte != backslash {
                    to[w] = byte; w += 1
                    continue
                }
                to[w] = backslash
                switch byte {
                case quote, backslash: to[w + 1] = byte; w += 2
                case 0x0A: to[w + 1] = UInt8(ascii: "n"); w += 2
                case 0x0D: to[w + 1] = UInt8(ascii: "r"); w += 2
                case 0x09: to[w + 1] = UInt8(ascii: "t"); w += 2
                default:
                    let hex: StaticString = "0123456789abcdef"
                    to[w + 1] = UInt8(ascii: "u"); to[w + 2] = UInt8(ascii: "0"); to[w + 3] = UInt8(ascii: "0")
                    to[w + 4] = hex.utf8Start[Int(byte >> 4)]; to[w + 5] = hex.utf8Start[Int(byte & 0xF)]
                    w += 6
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(start: to, count: w))
        }
    }

    /// The index of the first byte JSON escapes (`"`, `\`, below 0x20), or `count` when none:
    /// eight bytes at a time, each word tested for any such byte at once (the "has a zero
    /// byte" bit trick; bytes of 0x80 and up never match).
    static func firstToEscape(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= n {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let control = (word &- ones &* 0x20) & ~word
                let quotes = word ^ (ones &* 0x22), slashes = word ^ (ones &* 0x5C)
                let special = (control | ((quotes &- ones) & ~quotes) | ((slashes &- ones) & ~slashes)) & highs
                if special != 0 { break }
                i += 8
            }
        }
        while i < n {
            let byte = bytes[i]
            if byte < 0x20 || byte == quote || byte == backslash { return i }
            i += 1
        }
        return n
    }
}
