import Foundation
import Model

/// One canonical spelling for values that exporters render differently.
public enum Canonical {
    /// A GUID in lower case without braces (`{D273D0F0-…}` and `d273d0f0-…` become the same);
    /// values that are not GUIDs (Elastic Defend's entity ids) are kept exactly as given.
    public static func entityID(_ value: String) -> String {
        var text = value
        return text.withUTF8 { guid(UnsafeRawBufferPointer($0)) } ?? value
    }

    /// The canonical spelling of the GUID `bytes` spell (with or without braces, any case), or
    /// nil when they are not a GUID (its entity id is then the value as given).
    package static func guid(_ bytes: UnsafeRawBufferPointer) -> String? {
        var start = 0
        var count = bytes.count
        if count == 38, bytes[0] == UInt8(ascii: "{"), bytes[37] == UInt8(ascii: "}") {
            start = 1
            count = 36
        }
        guard count == 36, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let text = base + start
        for i in 0..<36 {
            let c = text[i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
            } else {
                // Hex digits: 0-9, and a-f in either case (0x20 folds upper case to lower).
                let lower = c | 0x20
                guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")) else { return nil }
            }
        }
        return String(unsafeUninitializedCapacity: 36) { out in
            let target = out.baseAddress!
            for i in 0..<36 {
                let c = text[i]
                target[i] = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F") ? c + 32 : c
            }
            return 36
        }
    }

    /// An IP address in its standard text form (`0:0:0:0:0:0:0:1` becomes `::1`), or nil when the
    /// text is not an IPv4 or IPv6 address. A zone (`fe80::1%12`) is kept only where it means
    /// something, on link-local and multicast IPv6 addresses: `::1%1` is `::1`, so a zone cannot
    /// make loopback look remote.
    public static func ipAddress(_ value: String) -> String? {
        var text = value.utf8.first == 0x20 || value.utf8.last == 0x20 ? value.trimmingCharacters(in: .whitespaces) : value
        var zone = ""
        if let percent = text.firstIndex(of: "%") {
            zone = String(text[percent...])
            text = String(text[..<percent])
        }
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return render(family: AF_INET, &v4, length: INET_ADDRSTRLEN)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let first = withUnsafeBytes(of: &v6) { ($0[0], $0[1]) }
            let scoped = first.0 == 0xFF || (first.0 == 0xFE && first.1 & 0xC0 == 0x80)
            return render(family: AF_INET6, &v6, length: INET6_ADDRSTRLEN) + (scoped ? zone : "")
        }
        return nil
    }

    /// `ipAddress` of text given as UTF-8 bytes. A plain dotted IPv4 address (four numbers
    /// 0–255 without leading zeros, what `inet_pton` accepts and `inet_ntop` writes back
    /// unchanged) is its own canonical form and is taken as it is, without the C calls.
    package static func ipAddress(_ bytes: UnsafeRawBufferPointer) -> String? {
        if isPlainIPv4(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return ipAddress(String(decoding: bytes, as: UTF8.self))
    }

    private static func isPlainIPv4(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var octets = 0
        var value = 0
        var digits = 0
        var first: UInt8 = 0
        for c in bytes {
            if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                if digits == 0 { first = c }
                digits += 1
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255, digits == 1 || first != UInt8(ascii: "0") else { return false }
            } else if c == UInt8(ascii: "."), digits > 0, octets < 3 {
                octets += 1
                digits = 0
                value = 0
            } else {
                return false
            }
        }
        return octets == 3 && digits > 0
    }

    private static func render<T>(family: Int32, _ address: inout T, length: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(length))
        _ = withUnsafePointer(to: &address) { inet_ntop(family, $0, &buffer, socklen_t(length)) }
        return String(cString: buffer)
    }

    /// `incoming` or `outgoing` from Sysmon's `Initiated` (false/true) or ECS `network.direction`.
    public static func direction(_ value: String) -> String? {
        switch value.lowercased() {
        case "false", "0", "incoming", "ingress", "inbound": "incoming"
        case "true", "1", "outgoing", "egress", "outbound": "outgoing"
        case "internal", "external", "unknown", "": nil
        default: nil
        }
    }

    /// A port number 0–65535 from a number or numeric string.
    public static func port(_ value: String) -> Int64? {
        guard let n = Int64(value) ?? Int64(value.trimmingCharacters(in: .whitespaces)), (0...65535).contains(n) else { return nil }
        return n
    }

    /// `DOMAIN\user` split into its parts; a name without a domain has none.
    public static func splitUser(_ value: String) -> (domain: String?, name: String) {
        // ASCII text (the usual case) is split on its bytes: in ASCII only CR LF joins two
        // characters, so the last `\` byte is the last `\` character.
        let utf8 = value.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            guard let slash = utf8.lastIndex(of: UInt8(ascii: "\\")) else { return (nil, value) }
            return (String(value[..<slash]), String(value[utf8.index(after: slash)...]))
        }
        if let slash = value.lastIndex(of: "\\") {
            return (String(value[..<slash]), String(value[value.index(after: slash)...]))
        }
        return (nil, value)
    }
}
