import CSQLite
import Model

/// `hunt_content_key(v1, v2, …)`: the `ContentKey` of its arguments, in order (NULL, integers
/// and text), so SQL computes exactly what the loader computes. The schema migration that made
/// content part of a record's identity uses it to key the rows already stored.
private func contentKeyFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    var key = ContentKey()
    for index in 0..<Int(count) {
        let value = values?[index]
        switch sqlite3_value_type(value) {
        case SQLITE_NULL:
            key.addNull()
        case SQLITE_INTEGER:
            key.add(sqlite3_value_int64(value))
        default:
            let bytes = sqlite3_value_text(value)
            let length = Int(sqlite3_value_bytes(value))
            key.add(utf8: UnsafeRawBufferPointer(start: bytes, count: length))
        }
    }
    sqlite3_result_int64(context, key.value)
}

extension Database {
    /// Makes `hunt_content_key` available on this connection.
    func registerContentKeyFunction() throws {
        let rc = sqlite3_create_function_v2(handle, "hunt_content_key", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                            nil, contentKeyFunction, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, "registering the hunt_content_key function") }
    }
}
