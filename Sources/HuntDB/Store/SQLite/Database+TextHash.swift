import CSQLite

/// `hunt_text_hash(text)`: `TextHash` of the text's UTF-8 bytes, so the migration that moved
/// the command lines into `texts` (m0017) stores exactly what the writer looks up.
private func textHashFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    let value = values?[0]
    guard sqlite3_value_type(value) != SQLITE_NULL else { return sqlite3_result_null(context) }
    let bytes = sqlite3_value_text(value)
    let length = Int(sqlite3_value_bytes(value))
    sqlite3_result_int64(context, TextHash.of(UnsafeRawBufferPointer(start: bytes, count: length)))
}

extension Database {
    /// Makes `hunt_text_hash` available on this connection.
    func registerTextHashFunction() throws {
        let rc = sqlite3_create_function_v2(handle, "hunt_text_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                            nil, textHashFunction, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, "registering the hunt_text_hash function") }
    }
}
