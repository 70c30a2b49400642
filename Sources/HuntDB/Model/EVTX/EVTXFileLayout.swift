/// Constants of the `.evtx` file layout that the reader and the sample writer share.
package enum EVTXFileLayout {
    /// The file header occupies the first 4 KiB; chunks follow.
    package static let fileHeaderSize = 4096
    /// The first eight bytes of every `.evtx` file.
    package static let fileSignature: [UInt8] = Array("ElfFile\0".utf8)
}

extension EVTXFileLayout {
    /// The 16-bit name hash stored with EVTX names: h = h * 65599 + unit over the UTF-16 units.
    package static func nameHash(_ name: String) -> UInt16 {
        var h: UInt32 = 0
        for u in name.utf16 { h = h &* 65599 &+ UInt32(u) }
        return UInt16(truncatingIfNeeded: h)
    }
}
