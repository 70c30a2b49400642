import Foundation
import Model

/// Recognizes the tags that open and close a Windows event in XML, `<Event …>` and `</Event>`,
/// with or without a namespace prefix (`<e:Event>`): the prefix is the writer's choice, and an
/// event missed for it would vanish from the counts.
enum XMLEventTag {
    enum Match {
        case no
        /// The tag may continue past the bytes available.
        case needMore
        /// A start tag's `length` covers `<name`; an end tag's, everything through its `>`.
        case yes(length: Int)
    }

    /// Whether an event tag starts at `p[0]` (a `<`), with `available` bytes readable there.
    static func match(_ p: UnsafePointer<UInt8>, available: Int, closing: Bool) -> Match {
        var i = 1
        if closing {
            guard available > 1 else { return .needMore }
            guard p[1] == UInt8(ascii: "/") else { return .no }
            i = 2
        }
        let nameStart = i
        var localStart = i
        while true {
            guard i < available else { return .needMore }
            let c = p[i]
            if isBoundary(c) { break }
            if c == UInt8(ascii: ":") {
                localStart = i + 1
            } else if !isNameByte(c) {
                return .no
            }
            i += 1
            if i - nameStart > 64 { return .no }
        }
        // `Event` or `prefix:Event` (an empty prefix, `<:Event`, is not a name).
        guard i - localStart == 5, localStart != nameStart + 1, memcmp(p + localStart, "Event", 5) == 0 else { return .no }
        if !closing { return .yes(length: i) }
        while true {
            guard i < available else { return .needMore }
            if p[i] == UInt8(ascii: ">") { return .yes(length: i + 1) }
            guard p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D else { return .no }
            i += 1
        }
    }

    @inline(__always)
    private static func isBoundary(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ">") || c == UInt8(ascii: "/")
    }

    @inline(__always)
    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: ".") || c >= 0x80
    }
}
