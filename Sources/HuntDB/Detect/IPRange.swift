import Foundation
import Model

/// An IP address or CIDR block (`10.0.0.5`, `10.0.0.0/24`, `fd00::/8`).
public struct IPRange: Sendable, Equatable, CustomStringConvertible {
    private let network: [UInt8]
    private let prefixLength: Int
    public let description: String

    /// - Returns: nil when `text` is not an address or CIDR block.
    public init?(_ text: String) {
        description = text
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = IPRange.bytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        network = address
    }

    /// Whether `address` (any text form) lies in the range.
    public func contains(_ address: String) -> Bool {
        guard let bytes = IPRange.bytes(address), bytes.count == network.count else { return false }
        var remaining = prefixLength
        for i in 0..<bytes.count where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if bytes[i] & mask != network[i] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// The address's bytes; a zone (`%12`) does not change which addresses a range holds.
    private static func bytes(_ text: String) -> [UInt8]? {
        let text = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
