import Foundation
import Model
import Normalize

/// Recognizes records that cannot be relevant before parsing them: most of a real export
/// is other Sysmon and Windows events, and parsing each fully would cost more than everything else.
///
/// The probe looks for the event id key of the Sysmon JSON dialects (`"EventID":` flat and in
/// evtx_dump's `Event.System`, `"event_id":` in Winlogbeat). Inside a JSON string every quote is
/// escaped, so these bytes can only be keys. Only when exactly one such key holds a plain number
/// other than 1 or 3, no key may hide behind a `\u` escape and no second object follows the
/// first, is the record declared not relevant; anything else is parsed in full.
enum RelevanceProbe {
    /// True when the record is certainly not a Sysmon process start or network connection, nor a
    /// Sysmon 13 that mentions an ImagePath, nor one of the Security events stored
    /// (`SecurityNormalizer.stores(eventID:)`).
    static func isCertainlyIrrelevant(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 10 else { return false }
        var found: Int?
        var at = 0
        let last = bytes.count - 10
        // One pass: at each quote followed by E or e, compare the rest of the key.
        while at <= last {
            // memchr finds the next quote many bytes at a time (the scan is over the whole line).
            guard base[at] == 0x22 else {
                guard let hit = memchr(base + at, 0x22, last + 1 - at) else { break }
                at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                continue
            }
            let next = base[at + 1]
            var keyLength = 0
            if next == UInt8(ascii: "E"), matches(base + at, Key.eventID) { keyLength = Key.eventID.utf8CodeUnitCount }
            else if next == UInt8(ascii: "e"), matches(base + at, Key.eventIDSnake) { keyLength = Key.eventIDSnake.utf8CodeUnitCount }
            if keyLength > 0 {
                guard found == nil else { return false }  // two event ids: let the parser decide
                guard let value = number(after: at + keyLength, in: bytes) else { return false }
                // A relevant id makes the answer "parse it" whatever follows: stop reading here
                // (relevant records, the loader's bulk, then cost the probe a few bytes).
                if value == 1 || value == 3 || SecurityNormalizer.stores(eventID: value) { return false }
                found = value
                at += keyLength
            } else {
                at += 1
            }
        }
        guard let id = found, id != 1, id != 3, !SecurityNormalizer.stores(eventID: id) else { return false }
        // A Sysmon 13 registry set is relevant only for a service's ImagePath (a service install).
        if id == 13, containsImagePath(bytes) { return false }
        return !mayReadDifferently(bytes)
    }

    /// Whether a parser could find more in the record than the probe saw: a key spelled with a
    /// `\u` escape (`"EventI\u0044"` is an event id too) or a second object after the first
    /// (`{…}{…}` on one line). Both are rare; they are looked for with `memchr`, only in records
    /// about to be skipped.
    private static func mayReadDifferently(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        var at = 0
        while at < count, let hit = memchr(base + at, 0x5C, count - at) {
            at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if at + 1 < count, base[at + 1] == UInt8(ascii: "u") { return true }
            at += 2  // past the escaped character, so `\\u` is no escape
        }
        at = 0
        while at < count, let hit = memchr(base + at, Int32(UInt8(ascii: "}")), count - at) {
            at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
            var next = at
            while next < count, base[next] == 0x20 || base[next] == 0x09 || base[next] == 0x0A || base[next] == 0x0D { next += 1 }
            if next < count, base[next] == UInt8(ascii: "{") { return true }
        }
        return false
    }

    /// Whether `imagepath` occurs in the record in any case (or behind an escape: parsed in full then).
    private static func containsImagePath(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let word = Array("imagepath".utf8)
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let count = bytes.count
        guard count >= word.count else { return false }
        var at = 0
        while at <= count - word.count {
            if base[at] | 0x20 == word[0] {
                var i = 1
                while i < word.count, base[at + i] | 0x20 == word[i] { i += 1 }
                if i == word.count { return true }
            }
            at += 1
        }
        return false
    }

    private enum Key {
        static let eventID: StaticString = "\"EventID\""
        static let eventIDSnake: StaticString = "\"event_id\""
    }

    /// Whether `key` starts at `p` (the caller guarantees the bytes exist: keys are ≤ 10 bytes).
    @inline(__always)
    private static func matches(_ p: UnsafePointer<UInt8>, _ key: StaticString) -> Bool {
        let k = key.utf8Start
        for i in 2..<key.utf8CodeUnitCount where p[i] != k[i] { return false }
        return true
    }

    /// The integer after `: ` (optionally quoted), or nil for anything else.
    private static func number(after start: Int, in bytes: UnsafeRawBufferPointer) -> Int? {
        var i = start
        func skipSpace() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 } }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipSpace()
        var quoted = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { quoted = true; i += 1 }
        var value = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 9 {
            value = value * 10 + Int(bytes[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0, i < bytes.count else { return nil }
        if quoted {
            guard bytes[i] == UInt8(ascii: "\"") else { return nil }
            return value
        }
        let next = bytes[i]
        return next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09 ? value : nil
    }
}
