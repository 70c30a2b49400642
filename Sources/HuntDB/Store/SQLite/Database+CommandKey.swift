import CSQLite
import Model

/// `hunt_command_key(text)`: `WindowsCommandKey.key` of a service's image path, a command line
/// or an executable, so the alert context compares them the way Windows runs them. NULL for NULL.
private func commandKeyFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    let value = values?[0]
    guard sqlite3_value_type(value) != SQLITE_NULL, let bytes = sqlite3_value_text(value) else {
        sqlite3_result_null(context)
        return
    }
    let text = String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
    let key = WindowsCommandKey.key(text)
    sqlite3_result_text(context, key, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
}

extension Database {
    /// Makes `hunt_command_key` available on this connection.
    func registerCommandKeyFunction() throws {
        let rc = sqlite3_create_function_v2(handle, "hunt_command_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                            nil, commandKeyFunction, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, "registering the hunt_command_key function") }
    }
}
