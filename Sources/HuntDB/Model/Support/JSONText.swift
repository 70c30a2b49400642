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
        if value.utf8.withContiguousStorageIfAvailable({ append(escaping: $0, to: &out) }) == nil {
            var value = value
            value.withUTF8 { append(escaping: $0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` escaped. The runs between bytes to escape (most text is one run) are found
    /// eight bytes at a time and copied whole; text with an escape is built in a scratch buffer
    /// and appended once.
    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let n = bytes.count
        var special = firstToEscape(in: bytes)
        if special == n { out.append(contentsOf: bytes); return }
        // Worst case six bytes out for one in (`\u001f`).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n * 6) { scratch in
            let from = bytes.baseAddress!, to = scratch.baseAddress!
            var start = 0, w = 0
            while true {
                (to + w).update(from: from + start, count: special - start)
                w += special - start
                guard special < n else { break }
                w += writeEscape(of: from[special], to: to + w)
                start = special + 1
                special = start + firstToEscape(in: UnsafeBufferPointer(start: from + start, count: n - start))
            }
            out.append(contentsOf: UnsafeBufferPointer(start: to, count: w))
        }
    }

    /// Writes the escape of `byte` (one `firstToEscape` finds) at `to`; how many bytes it took.
    private static func writeEscape(of byte: UInt8, to: UnsafeMutablePointer<UInt8>) -> Int {
        to[0] = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): to[1] = byte
        case 0x0A: to[1] = UInt8(ascii: "n")
        case 0x0D: to[1] = UInt8(ascii: "r")
        case 0x09: to[1] = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789abcdef"
            to[1] = UInt8(ascii: "u"); to[2] = UInt8(ascii: "0"); to[3] = UInt8(ascii: "0")
            to[4] = hex.utf8Start[Int(byte >> 4)]; to[5] = hex.utf8Start[Int(byte & 0xF)]
            return 6
        }
        return 2
    }

    /// The index of the first byte JSON escapes (`"`, `\`, below 0x20), or `count` when none:
    /// eight bytes at a time, each word tested for any such byte at once (the "has a zero
    /// byte" bit trick; bytes of 0x80 and up never match). The lowest flagged byte of a word is
    /// always a match (a false flag needs a borrow from a match below it), so its place is exact.
    static func firstToEscape(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let special = specialBytes(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if special != 0 { return i + UInt64(littleEndian: special).trailingZeroBitCount >> 3 }
                i += 8
            }
            // The last bytes as the word that ends the text: the bytes it shares with the
            // words before hold nothing to escape, so its lowest flag is still exact.
            if i < n, n >= 8 {
                let special = specialBytes(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
                return special == 0 ? n : n - 8 + UInt64(littleEndian: special).trailingZeroBitCount >> 3
            }
        }
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        while i < n {
            let byte = bytes[i]
            if byte < 0x20 || byte == quote || byte == backslash { return i }
            i += 1
        }
        return n
    }

    /// The high bit of each byte of `word` that JSON escapes, and of none before the first one.
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quotes = word ^ (ones &* 0x22), slashes = word ^ (ones &* 0x5C)
        return (control | ((quotes &- ones) & ~quotes) | ((slashes &- ones) & ~slashes)) & highs
    }
}
