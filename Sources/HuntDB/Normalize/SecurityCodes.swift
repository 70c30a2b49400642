import Model

/// The codes Windows Security events write instead of words: WFP directions, IANA protocol
/// numbers, and process ids in hex.
package enum SecurityCodes {
    /// `incoming` / `outgoing` from 5156's `Direction` (`%%14592` inbound, `%%14593` outbound,
    /// or the rendered words); nil for anything else.
    package static func direction(_ code: String) -> String? {
        switch code.lowercased() {
        case "%%14592", "inbound", "incoming": "incoming"
        case "%%14593", "outbound", "outgoing": "outgoing"
        default: nil
        }
    }

    /// The transport from an IANA protocol number: the usual ones named (1 icmp, 2 igmp, 6 tcp,
    /// 17 udp, 58 ipv6-icmp), any other kept as its number; a name is kept in lower case.
    package static func transport(_ value: String) -> String {
        guard let number = Int(value) else { return value.lowercased() }
        switch number {
        case 1: return "icmp"
        case 2: return "igmp"
        case 6: return "tcp"
        case 17: return "udp"
        case 58: return "ipv6-icmp"
        default: return String(number)
        }
    }

    /// A process id written in hex (`0x2c0`) or decimal (`704`); nil when it is neither or out
    /// of range (pids are 32-bit).
    package static func processID(_ text: String) -> Int64? {
        let value: Int64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            value = Int64(text.dropFirst(2), radix: 16)
        } else {
            value = Int64(text)
        }
        guard let value, value >= 0, value <= Int64(UInt32.max) else { return nil }
        return value
    }
}
