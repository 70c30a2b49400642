import Foundation

/// The encoding modifiers: `wide`/`utf16le`, `utf16be`, `utf16` (with a byte order mark),
/// `base64` and `base64offset`.
enum SigmaEncoding {
    static func utf16LE(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
    }

    static func utf16BE(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// Little-endian with the byte order mark FF FE, as Sigma's `utf16` specifies.
    static func utf16WithBOM(_ text: String) -> [UInt8] {
        [0xFF, 0xFE] + utf16LE(text)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The three forms `bytes` takes inside a longer Base64 text, depending on its offset
    /// (0, 1 or 2 bytes) from a 3-byte boundary: the characters that depend only on `bytes`.
    static func base64Offsets(_ bytes: [UInt8]) -> [String] {
        (0..<3).compactMap { shift in
            let encoded = Array(base64(Array(repeating: 0, count: shift) + bytes))
            // Leading characters that also encode the padding bytes, and trailing ones that
            // encode what follows the value, vary with the surrounding text: drop them.
            let start = [0, 2, 3][shift]
            let end = encoded.count - [0, 3, 2][(bytes.count + shift) % 3]
            guard start < end else { return nil }
            return String(encoded[start..<end])
        }
    }
}
