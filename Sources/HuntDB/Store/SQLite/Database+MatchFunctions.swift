import CSQLite
import Foundation
import Model

// SQL functions that compiled Sigma rules call. Each returns 0 or 1 (never NULL) for a NULL
// value, so that `NOT` of a predicate means "did not match".
//
// - hunt_regexp(pattern, flags, value): ICU regular expressions (Foundation's
//   NSRegularExpression); flags i, m, s. The compiled pattern, and its answer for each value
//   already seen, are kept per statement (command lines repeat: ICU runs once per distinct one).
// - hunt_cidr(value, block): whether an IPv4/IPv6 address lies in a CIDR block.
// - hunt_fold(text): Unicode lower case, for case-insensitive matching beyond ASCII.
// - hunt_hash_part(hashes, name): one part of Sysmon's "SHA1=…,MD5=…" text, or NULL.
//
// And one that rules with an allowlist prefilter call (README: "Allowlist"):
// - hunt_allowlisted(entries, value): whether `value` matches every pattern of one of the
//   entries, a JSON array of arrays of EQL wildcard patterns (`WildcardPattern`, the allowlist's
//   own matching); 0 for NULL. The entries, and the answer for each value seen, are kept per
//   statement.

/// A compiled regular expression kept by SQLite between rows of one statement, with its
/// answers for the values it has seen (up to `maximumAnswers`, then it starts again).
private final class CachedRegex {
    static let maximumAnswers = 50_000
    let regex: NSRegularExpression
    var answers: [String: Bool] = [:]
    init(_ regex: NSRegularExpression) { self.regex = regex }

    func matches(_ subject: String) -> Bool {
        if let known = answers[subject] { return known }
        let found = regex.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)) != nil
        if answers.count >= Self.maximumAnswers { answers.removeAll(keepingCapacity: true) }
        answers[subject] = found
        return found
    }
}

/// A parsed CIDR block kept between rows.
private final class CachedBlock {
    let network: [UInt8]
    let prefix: Int
    init(network: [UInt8], prefix: Int) {
        self.network = network
        self.prefix = prefix
    }
}

private func releaseBox(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<AnyObject>.fromOpaque(pointer).release()
}

private func text(_ value: OpaquePointer?) -> String? {
    guard sqlite3_value_type(value) != SQLITE_NULL, let bytes = sqlite3_value_text(value) else { return nil }
    return String(cString: bytes)
}

private func regexpFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let values, let subject = text(values[2]) else { return sqlite3_result_int(context, 0) }
    let regex: CachedRegex
    if let cached = sqlite3_get_auxdata(context, 0) {
        regex = Unmanaged<CachedRegex>.fromOpaque(cached).takeUnretainedValue()
    } else {
        guard let pattern = text(values[0]) else { return sqlite3_result_int(context, 0) }
        let flags = text(values[1]) ?? ""
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
        guard let compiled = try? NSRegularExpression(pattern: pattern, options: options) else {
            return sqlite3_result_error(context, "invalid regular expression", -1)
        }
        regex = CachedRegex(compiled)
        // Flags are bound with the pattern, so caching on the pattern argument is enough.
        sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(regex as AnyObject).toOpaque(), releaseBox)
    }
    sqlite3_result_int(context, regex.matches(subject) ? 1 : 0)
}

/// The bytes of an IPv4 or IPv6 address in text form.
func ipAddressBytes(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    var trimmed = text
    if let percent = trimmed.firstIndex(of: "%") { trimmed = String(trimmed[..<percent]) }
    if inet_pton(AF_INET6, trimmed, &v6) == 1 {
        return withUnsafeBytes(of: &v6) { Array($0) }
    }
    return nil
}

private func cidrFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let values, let address = text(values[0]), let bytes = ipAddressBytes(address) else { return sqlite3_result_int(context, 0) }
    let block: CachedBlock
    if let cached = sqlite3_get_auxdata(context, 1) {
        block = Unmanaged<CachedBlock>.fromOpaque(cached).takeUnretainedValue()
    } else {
        guard let written = text(values[1]) else { return sqlite3_result_int(context, 0) }
        let parts = written.split(separator: "/", maxSplits: 1)
        guard let network = ipAddressBytes(String(parts[0])) else { return sqlite3_result_error(context, "invalid CIDR block", -1) }
        let prefix = parts.count == 2 ? Int(parts[1]) ?? -1 : network.count * 8
        guard (0...network.count * 8).contains(prefix) else { return sqlite3_result_error(context, "invalid CIDR block", -1) }
        block = CachedBlock(network: network, prefix: prefix)
        sqlite3_set_auxdata(context, 1, Unmanaged.passRetained(block as AnyObject).toOpaque(), releaseBox)
    }
    guard bytes.count == block.network.count else { return sqlite3_result_int(context, 0) }
    var remaining = block.prefix
    for index in 0..<bytes.count where remaining > 0 {
        let take = min(8, remaining)
        let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
        if bytes[index] & mask != block.network[index] & mask { return sqlite3_result_int(context, 0) }
        remaining -= take
    }
    sqlite3_result_int(context, 1)
}

private func foldFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let values, let value = text(values[0]) else { return sqlite3_result_null(context) }
    let folded = value.lowercased()
    sqlite3_result_text(context, folded, -1, SQLITE_TRANSIENT)
}

private func hashPartFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let values, let hashes = text(values[0]), let name = text(values[1]) else { return sqlite3_result_null(context) }
    for part in hashes.split(separator: ",") {
        guard let equals = part.firstIndex(of: "=") else { continue }
        if part[..<equals].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(name) == .orderedSame {
            let value = String(part[part.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            return sqlite3_result_text(context, value, -1, SQLITE_TRANSIENT)
        }
    }
    sqlite3_result_null(context)
}

/// Allowlist entries (each a list of patterns that must all match) kept by SQLite between rows
/// of one statement, with their answers for the values seen (up to `maximumAnswers`).
private final class CachedAllowlistEntries {
    static let maximumAnswers = 50_000
    let entries: [[WildcardPattern]]
    var answers: [String: Bool] = [:]
    init(_ entries: [[WildcardPattern]]) { self.entries = entries }

    func matches(_ value: String) -> Bool {
        if let known = answers[value] { return known }
        let subject = WildcardPattern.Subject(value)
        let found = entries.contains { patterns in patterns.allSatisfy { $0.matches(subject) } }
        if answers.count >= Self.maximumAnswers { answers.removeAll(keepingCapacity: true) }
        answers[value] = found
        return found
    }
}

private func allowlistedFunction(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let values, let value = text(values[1]) else { return sqlite3_result_int(context, 0) }
    let entries: CachedAllowlistEntries
    if let cached = sqlite3_get_auxdata(context, 0) {
        entries = Unmanaged<CachedAllowlistEntries>.fromOpaque(cached).takeUnretainedValue()
    } else {
        guard let written = text(values[0]) else { return sqlite3_result_int(context, 0) }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(written.utf8)) as? [[String]] else {
            return sqlite3_result_error(context, "hunt_allowlisted: entries must be a JSON array of arrays of patterns", -1)
        }
        entries = CachedAllowlistEntries(parsed.map { $0.map(WildcardPattern.init) })
        sqlite3_set_auxdata(context, 0, Unmanaged.passRetained(entries as AnyObject).toOpaque(), releaseBox)
    }
    sqlite3_result_int(context, entries.matches(value) ? 1 : 0)
}

extension Database {
    /// Makes the matching functions of compiled Sigma rules available on this connection.
    func registerMatchFunctions() throws {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        let functions: [(String, Int32, @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void)] = [
            ("hunt_regexp", 3, regexpFunction),
            ("hunt_cidr", 2, cidrFunction),
            ("hunt_fold", 1, foldFunction),
            ("hunt_hash_part", 2, hashPartFunction),
            ("hunt_allowlisted", 2, allowlistedFunction),
        ]
        for (name, arguments, function) in functions {
            let rc = sqlite3_create_function_v2(handle, name, arguments, flags, nil, function, nil, nil, nil)
            if rc != SQLITE_OK { throw error(rc, "registering the \(name) function") }
        }
    }
}
