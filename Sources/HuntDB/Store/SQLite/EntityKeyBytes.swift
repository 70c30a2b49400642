/// How an entity id is stored in `entity_keys` (m0014): a lower-case `8-4-4-4-12` GUID as its
/// 16 bytes, anything else as the text itself.
///
/// The view `entities` and the unique index `entity_keys_by_text` turn the bytes back into the
/// same lower-case text with `hex()`, so only the exact spelling that round-trips is packed.
enum EntityKeyBytes {
    /// The 16 bytes of `text` when it is a lower-case GUID without braces, else nil.
    ///
    ///     packed("b2e797f1-8101-6ae6-7005-000000000800")  // 16 bytes: b2 e7 97 f1 81 01 …
    ///     packed("{B2E797F1-8101-6AE6-7005-000000000800}")  // nil: kept as text
    static func packed(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var out = 0, high: UInt8? = nil
        for (position, character) in text.enumerated() {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = lowerHexValue(character) else { return nil }
            if let h = high {
                bytes[out] = h << 4 | nibble
                out += 1
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }

    private static func lowerHexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
