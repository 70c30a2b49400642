import Model

/// The byte encodings of text inputs: UTF-8, and UTF-16 as Windows tools write it (PowerShell
/// 5.1's `>` and `Out-File`, `Get-WinEvent … | % ToXml()` redirected).
enum InputTextEncoding: Equatable {
    case utf8, utf16LE, utf16BE

    /// How the encoding is named in a source's format, when it is not UTF-8.
    var label: String? {
        switch self {
        case .utf8: nil
        case .utf16LE: "utf-16le"
        case .utf16BE: "utf-16be"
        }
    }
}

/// Recognizes the encoding of a text input from its first bytes: a byte order mark, else UTF-16
/// by its zero bytes (ASCII text in UTF-16 has a zero in every other byte; no UTF-8 log has any).
enum TextEncodingSniff {
    /// The encoding and the length of its byte order mark (0 when there is none).
    static func detect(_ prefix: [UInt8]) -> (encoding: InputTextEncoding, bomLength: Int) {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if prefix.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        if prefix.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }
        return (zeroPattern(prefix) ?? .utf8, 0)
    }

    /// UTF-16 without a byte order mark: most of the high bytes zero, hardly any low byte zero.
    /// A piece cut at an odd offset (`split -b`) reads as the other byte order, which decodes it
    /// correctly from its second byte on.
    private static func zeroPattern(_ prefix: [UInt8]) -> InputTextEncoding? {
        let pairs = min(prefix.count, 1024) / 2
        guard pairs >= 4 else { return nil }
        var evenZeros = 0
        var oddZeros = 0
        for k in 0..<pairs {
            if prefix[2 * k] == 0 { evenZeros += 1 }
            if prefix[2 * k + 1] == 0 { oddZeros += 1 }
        }
        if oddZeros * 10 >= pairs * 6, evenZeros * 10 <= pairs { return .utf16LE }
        if evenZeros * 10 >= pairs * 6, oddZeros * 10 <= pairs { return .utf16BE }
        return nil
    }
}
