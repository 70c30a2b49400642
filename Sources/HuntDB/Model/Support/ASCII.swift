/// ASCII-only case-insensitive comparisons on UTF-8 bytes, without Foundation (which costs
/// microseconds per call on Linux: too slow per event).
package enum ASCII {
    @inline(__always)
    package static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    package static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// Whether `haystack` contains `needle` (lower-case ASCII) ignoring ASCII case.
    package static func containsIgnoringCase(_ haystack: String, _ needle: StaticString) -> Bool {
        let n = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var text = haystack
        return text.withUTF8 { h in
            guard n.count <= h.count else { return false }
            if n.isEmpty { return true }
            for start in 0...(h.count - n.count) {
                var k = 0
                while k < n.count, lower(h[start + k]) == n[k] { k += 1 }
                if k == n.count { return true }
            }
            return false
        }
    }
}
