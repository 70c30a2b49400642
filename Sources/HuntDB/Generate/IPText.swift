import Model

/// An IP address as each dialect spells it.
///
/// Sysmon writes IPv6 without zero compression (`fd00:0:0:0:0:0:0:1`), Elastic in its short
/// standard form (`fd00::1`); both normalize to the same stored value.
public struct IPText: Sendable, Hashable {
    /// Sysmon's spelling.
    public let sysmon: String
    /// ECS's spelling (the RFC 5952 short form for IPv6).
    public let ecs: String
    public let isIPv6: Bool

    /// An IPv4 address from its four bytes.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        let text = "\(a).\(b).\(c).\(d)"
        sysmon = text
        ecs = text
        isIPv6 = false
    }

    /// An IPv6 address from its eight 16-bit groups.
    public init(groups: [UInt16]) {
        precondition(groups.count == 8, "an IPv6 address has eight groups")
        sysmon = groups.map { String($0, radix: 16) }.joined(separator: ":")
        ecs = IPText.compressed(groups)
        isIPv6 = true
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), as Windows reports dual-stack sockets.
    public init(mappedV4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        sysmon = "0:0:0:0:0:ffff:\(String(UInt16(a) << 8 | UInt16(b), radix: 16)):\(String(UInt16(c) << 8 | UInt16(d), radix: 16))"
        ecs = "::ffff:\(a).\(b).\(c).\(d)"
        isIPv6 = true
    }

    /// RFC 5952: the longest run (two or more) of zero groups becomes `::`.
    private static func compressed(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 0
        var i = 0
        while i < 8 {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8, groups[j] == 0 { j += 1 }
            if j - i > bestLength, j - i >= 2 { bestStart = i; bestLength = j - i }
            i = j
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
