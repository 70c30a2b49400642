import Model

/// A growable byte buffer that sinks render events into, with the escaping, number and time
/// formatting the dialects need.
///
/// A value type kept `inout` by its owner, so appends in the hot loop need no dynamic exclusivity
/// checks; the memory is owned by a private class and freed with the last copy.
struct ByteBuffer {
    private final class Storage {
        var pointer: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { pointer = .allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    private var storage: Storage
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes written so far.
    var count = 0
    /// The last day `appendTime` wrote, and its `YYYY-MM-` and `DD` bytes.
    private var cachedDay: Int64 = .min
    private var cachedDate: UInt64 = 0
    private var cachedDayDigits: UInt16 = 0

    init(capacity: Int = 1 << 16) {
        storage = Storage(capacity: capacity)
        base = storage.pointer
        self.capacity = capacity
    }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes written so far as text (for small buffers: ids, names).
    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// Makes room for `n` more bytes.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = Storage(capacity: newCapacity)
        fresh.pointer.update(from: base, count: count)
        storage = fresh
        base = fresh.pointer
        capacity = newCapacity
    }

    // MARK: Raw bytes

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends literal text (field names, fixed values) as is.
    @inline(__always)
    mutating func append(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        reserve(n)
        let source = text.utf8Start
        if n <= 24 {
            // Short literals (keys, punctuation): a byte loop beats a call to memmove.
            let out = base + count
            for i in 0..<n { out[i] = source[i] }
        } else {
            (base + count).update(from: source, count: n)
        }
        count += n
    }

    /// Appends text that needs no escaping in the target format, as is.
    @inline(__always)
    mutating func appendRaw(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            reserve(utf8.count)
            if let source = utf8.baseAddress { (base + count).update(from: source, count: utf8.count) }
            count += utf8.count
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let source = bytes.baseAddress {
            (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }

    // MARK: Escaped text

    /// Appends `text` escaped for the inside of a JSON string (`"`, `\` and control characters).
    @inline(__always)
    mutating func appendJSONEscaped(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONEscaped(UnsafeRawBufferPointer($0)) }
    }

    /// Appends UTF-8 `bytes` escaped for the inside of a JSON string.
    mutating func appendJSONEscaped(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count * 6 + 8)
        guard let source = bytes.baseAddress else { return }
        var out = base + count
        var i = 0
        let n = bytes.count
        // Eight bytes at a time while none of them needs escaping (SWAR: no byte < 0x20, `"` or `\`).
        while i + 8 <= n {
            let word = (source + i).loadUnaligned(as: UInt64.self)
            if Self.needsEscape(word) {
                for k in 0..<8 { out = Self.escape(source.load(fromByteOffset: i + k, as: UInt8.self), to: out) }
            } else {
                UnsafeMutableRawPointer(out).storeBytes(of: word, as: UInt64.self)
                out += 8
            }
            i += 8
        }
        while i < n {
            out = Self.escape(source.load(fromByteOffset: i, as: UInt8.self), to: out)
            i += 1
        }
        count = out - base
    }

    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (control | hasQuote | hasBackslash) != 0
    }

    @inline(__always)
    private static func escape(_ c: UInt8, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if c >= 0x20, c != 0x22, c != 0x5C {
            out.pointee = c
            return out + 1
        }
        out.pointee = 0x5C
        switch c {
        case 0x22: out[1] = 0x22; return out + 2
        case 0x5C: out[1] = 0x5C; return out + 2
        case 0x0A: out[1] = UInt8(ascii: "n"); return out + 2
        case 0x0D: out[1] = UInt8(ascii: "r"); return out + 2
        case 0x09: out[1] = UInt8(ascii: "t"); return out + 2
        default:
            out[1] = UInt8(ascii: "u"); out[2] = 0x30; out[3] = 0x30
            out[4] = hexDigits[Int(c >> 4)]; out[5] = hexDigits[Int(c & 15)]
            return out + 6
        }
    }

    /// Appends `"text"`, escaped.
    @inline(__always)
    mutating func appendJSONString(_ text: String) {
        append(0x22)
        appendJSONEscaped(text)
        append(0x22)
    }

    /// Appends `text` escaped for XML text or a quoted attribute: all five special characters.
    mutating func appendXMLEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            reserve(utf8.count * 6)
            var out = base + count
            for c in utf8 {
                switch c {
                case UInt8(ascii: "&"): out.update(from: ampersand, count: 5); out += 5
                case UInt8(ascii: "<"): out.update(from: lessThan, count: 4); out += 4
                case UInt8(ascii: ">"): out.update(from: greaterThan, count: 4); out += 4
                case UInt8(ascii: "'"): out.update(from: apostrophe, count: 6); out += 6
                case UInt8(ascii: "\""): out.update(from: quotation, count: 6); out += 6
                default: out.pointee = c; out += 1
                }
            }
            count = out - base
        }
    }

    // MARK: Numbers

    /// Appends a decimal integer.
    mutating func appendDecimal(_ value: Int64) {
        reserve(20)
        var v = value.magnitude
        if value < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits += 1 }
        var i = count + digits - 1
        repeat {
            base[i] = 0x30 + UInt8(v % 10)
            v /= 10
            i -= 1
        } while v > 0
        count += digits
    }

    @inline(__always)
    mutating func appendDecimal(_ value: Int) { appendDecimal(Int64(value)) }

    /// Appends exactly `width` decimal digits of `value` (zero-padded).
    @inline(__always)
    mutating func appendPadded(_ value: Int, width: Int) {
        reserve(width)
        var v = value
        var i = count + width - 1
        while i >= count {
            base[i] = 0x30 + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        count += width
    }

    /// Appends exactly `digits` hex digits of `value`.
    @inline(__always)
    mutating func appendHex(_ value: UInt64, digits: Int, uppercase: Bool = false) {
        reserve(digits)
        let table = uppercase ? upperHexDigits : hexDigits
        var v = value
        var i = count + digits - 1
        while i >= count {
            base[i] = table[Int(v & 15)]
            v >>= 4
            i -= 1
        }
        count += digits
    }

    /// Appends a Sysmon GUID, e.g. `{b34bc01c-7fae-5f63-1000-000000000400}`.
    mutating func appendGUID(_ guid: SysmonGUID, uppercase: Bool, braces: Bool) {
        if braces { append(UInt8(ascii: "{")) }
        appendHex(guid.high >> 32, digits: 8, uppercase: uppercase)
        append(UInt8(ascii: "-"))
        appendHex((guid.high >> 16) & 0xFFFF, digits: 4, uppercase: uppercase)
        append(UInt8(ascii: "-"))
        appendHex(guid.high & 0xFFFF, digits: 4, uppercase: uppercase)
        append(UInt8(ascii: "-"))
        appendHex(guid.low >> 48, digits: 4, uppercase: uppercase)
        append(UInt8(ascii: "-"))
        appendHex(guid.low & 0xFFFF_FFFF_FFFF, digits: 12, uppercase: uppercase)
        if braces { append(UInt8(ascii: "}")) }
    }

    // MARK: Times

    /// Appends `YYYY-MM-DD<separator>hh:mm:ss`, then `fractionDigits` (0, 3, 6 or 7) of the
    /// second, for a time in microseconds since 1970 UTC.
    mutating func appendTime(_ micros: Int64, separator: UInt8, fractionDigits: Int) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = Int(micros - seconds * 1_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        if days != cachedDay {
            let (year, month, day) = Timestamp.civilFromDays(Int(days))
            cachedDay = days
            cachedDate = UInt64(year / 1000 % 10 + 48) | UInt64(year / 100 % 10 + 48) << 8 | UInt64(year / 10 % 10 + 48) << 16
                | UInt64(year % 10 + 48) << 24 | UInt64(45) << 32 | UInt64(month / 10 + 48) << 40 | UInt64(month % 10 + 48) << 48
                | UInt64(45) << 56
            cachedDayDigits = UInt16(day / 10 + 48) | UInt16(day % 10 + 48) << 8
        }
        reserve(11)
        UnsafeMutableRawPointer(base + count).storeBytes(of: cachedDate.littleEndian, as: UInt64.self)
        UnsafeMutableRawPointer(base + count + 8).storeBytes(of: cachedDayDigits.littleEndian, as: UInt16.self)
        count += 10
        append(separator)
        appendPadded(secondOfDay / 3600, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 3600 / 60, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2)
        switch fractionDigits {
        case 3: append(UInt8(ascii: ".")); appendPadded(fraction / 1000, width: 3)
        case 6: append(UInt8(ascii: ".")); appendPadded(fraction, width: 6)
        case 7: append(UInt8(ascii: ".")); appendPadded(fraction * 10, width: 7)
        default: break
        }
    }

    /// Sysmon's `UtcTime`: `2026-11-01 10:00:00.123`.
    @inline(__always)
    mutating func appendSysmonTime(_ micros: Int64) {
        appendTime(micros, separator: UInt8(ascii: " "), fractionDigits: 3)
    }

    /// ISO-8601 UTC with `fractionDigits` digits and a `Z`: `2026-11-01T10:00:00.123Z`.
    @inline(__always)
    mutating func appendISOTime(_ micros: Int64, fractionDigits: Int = 3) {
        appendTime(micros, separator: UInt8(ascii: "T"), fractionDigits: fractionDigits)
        append(UInt8(ascii: "Z"))
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
private let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
private let ampersand: [UInt8] = Array("&amp;".utf8)
private let lessThan: [UInt8] = Array("&lt;".utf8)
private let greaterThan: [UInt8] = Array("&gt;".utf8)
private let apostrophe: [UInt8] = Array("&apos;".utf8)
private let quotation: [UInt8] = Array("&quot;".utf8)
