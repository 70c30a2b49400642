import Model

/// A Sysmon-style process GUID, e.g. `{b34bc01c-7fae-5f63-1000-000000000400}`.
///
/// Sysmon builds its GUIDs from a machine prefix, the process start time (seconds, low half
/// first) and a per-boot counter; this one does the same, so ids look real and are unique per
/// host (the counter never repeats on a host) and across hosts (the prefix differs).
public struct SysmonGUID: Sendable, Hashable {
    /// The first 64 bits: machine prefix, time low, time high.
    public let high: UInt64
    /// The last 64 bits: counter (little-endian) and the boot tag.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A process GUID on the host with `prefix`, started at `seconds` (Unix time), with the host's
    /// `counter` for this process and a small tag of the boot it belongs to.
    init(prefix: UInt32, seconds: Int64, counter: UInt32, bootTag: UInt8) {
        let time = UInt32(truncatingIfNeeded: seconds)
        high = UInt64(prefix) << 32 | UInt64(time & 0xFFFF) << 16 | UInt64(time >> 16)
        let lowCounter = UInt16(truncatingIfNeeded: counter)
        let swapped = UInt64(lowCounter.byteSwapped)
        low = swapped << 48 | UInt64(counter >> 16) << 16 | UInt64(bootTag) << 8
    }

    /// The canonical text the store keeps: lower case, no braces.
    public var canonical: String {
        var buffer = ByteBuffer(capacity: 40)
        buffer.appendGUID(self, uppercase: false, braces: false)
        return buffer.string
    }

    /// `{xxxxxxxx-…}` in lower case (Sysmon's own rendering) or upper case (evtx_dump's).
    public func text(uppercase: Bool = false) -> String {
        var buffer = ByteBuffer(capacity: 40)
        buffer.appendGUID(self, uppercase: uppercase, braces: true)
        return buffer.string
    }
}
