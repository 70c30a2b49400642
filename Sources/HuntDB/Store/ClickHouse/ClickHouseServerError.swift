import Foundation

/// An error answer of the server: its code and message, as the HTTP body states them
/// (`Code: 60, e.displayText() = DB::Exception: Table x doesn't exist, e.what() = …`).
struct ClickHouseServerError {
    var code: Int32
    var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(status: Int, body: Data) {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var code: Int32 = Int32(status)
        var message = text.isEmpty ? "HTTP status \(status)" : text
        if text.hasPrefix("Code: "), let comma = text.firstIndex(of: ",") {
            code = Int32(text[text.index(text.startIndex, offsetBy: 6)..<comma]) ?? code
            message = String(text[text.index(after: comma)...])
        }
        for prefix in [" e.displayText() = ", "DB::Exception: "] where message.hasPrefix(prefix) {
            message.removeFirst(prefix.count)
        }
        if let what = message.range(of: ", e.what() = ", options: .backwards) { message = String(message[..<what.lowerBound]) }
        // Newer servers: "… (UNKNOWN_TABLE) (version 23.8.1.1)".
        if let version = message.range(of: " (version ", options: .backwards) { message = String(message[..<version.lowerBound]) }
        self.code = code
        self.message = message.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Wrong user or password (192 unknown user, 193 wrong password, 516 authentication failed).
    var isAuthentication: Bool { [192, 193, 516].contains(code) }
    /// The database does not exist (81).
    var isUnknownDatabase: Bool { code == 81 }
    /// Refused by `readonly` (164).
    var isReadOnlyRefusal: Bool { code == 164 }

    func storeError(at endpoint: ClickHouseEndpoint, purpose: String) -> StoreError {
        if isAuthentication {
            return .cannotOpen(path: endpoint.description,
                               reason: "the server refused the user name or password (ClickHouse error \(code)); set HUNT_CLICKHOUSE_USER and HUNT_CLICKHOUSE_PASSWORD")
        }
        return .failed(engine: "ClickHouse", code: code, message: message, purpose: purpose)
    }
}
