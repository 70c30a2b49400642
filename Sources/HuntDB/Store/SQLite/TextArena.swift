import CSQLite
import Model

/// Binds text parameters without a malloc per value: each row's strings are copied into one
/// fixed buffer and bound as SQLITE_STATIC, which is safe because the buffer outlives the
/// statement's step and is only reset before the next row.
///
/// (Binding a Swift `String`'s own storage as STATIC is not safe: strings of up to 15 bytes live
/// inline, and the pointer dies with the closure that produced it.)
final class TextArena {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Forgets the previous row's values. Call only after that row's statement was stepped.
    func reset() { used = 0 }

    /// Binds `text` (NULL when nil) at `index` of `statement`.
    @inline(__always)
    func bind(_ text: String?, to statement: Statement, at index: Int32) {
        guard let text else {
            sqlite3_bind_null(statement.handle, index)
            return
        }
        let count = text.utf8.count
        guard used + count <= capacity else {
            statement.bind(text, at: index)  // too big for the arena: SQLite copies it
            return
        }
        let start = base + used
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
            if let source = bytes.baseAddress { start.update(from: source, count: bytes.count) }
            return true
        } ?? false
        if !copied {
            var offset = 0
            for byte in text.utf8 { start[offset] = byte; offset += 1 }
        }
        used += count
        start.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) {
            _ = sqlite3_bind_text(statement.handle, index, $0, Int32(count), nil)
        }
    }
}
