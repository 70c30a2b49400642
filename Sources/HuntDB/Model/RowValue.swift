/// A value bound to or read from SQLite.
public enum RowValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    /// A JSON value as text (an object or array): the JSON and NDJSON writers write it as is,
    /// the other writers as its text. Never read from or bound to SQLite as such.
    case json(String)
}

extension RowValue: CustomStringConvertible {
    /// The value as an analyst reads it: text as is, numbers in decimal, blobs in hex.
    public var description: String {
        switch self {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let bytes): return bytes.map { String(format: "%02x", $0) }.joined()
        case .json(let text): return text
        }
    }
}

import Foundation
