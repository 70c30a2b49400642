/// The value modifiers of one field condition, checked against the ones Sigma v2 defines.
struct SigmaModifiers {
    static let known: Set<String> = [
        "contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "windash", "base64", "base64offset",
        "wide", "utf16le", "utf16be", "utf16", "exists", "fieldref", "lt", "lte", "gt", "gte", "cased", "neq", "expand",
    ]
    static let time: Set<String> = ["minute", "hour", "day", "week", "month", "year"]

    /// In the order written, lower-cased.
    let list: [String]

    init(_ modifiers: [String]) throws {
        list = modifiers.map { $0.lowercased() }
        for modifier in list where !Self.known.contains(modifier) {
            if Self.time.contains(modifier) { throw SigmaUnsupported("the time modifier |\(modifier) (events are matched by their fields)") }
            throw SigmaUnsupported("unknown modifier |\(modifier)")
        }
        for sub in ["i", "m", "s"] where list.contains(sub) && !list.contains("re") {
            throw SigmaUnsupported("the modifier |\(sub) is only valid after |re")
        }
    }

    func has(_ modifier: String) -> Bool { list.contains(modifier) }

    var contains: Bool { has("contains") }
    var startsWith: Bool { has("startswith") }
    var endsWith: Bool { has("endswith") }
    var matchAll: Bool { has("all") }
    var cased: Bool { has("cased") }
    var negated: Bool { has("neq") }

    /// The numeric comparison operator of `lt`/`lte`/`gt`/`gte`, if any.
    var comparison: String? {
        if has("lt") { return "<" }
        if has("lte") { return "<=" }
        if has("gt") { return ">" }
        if has("gte") { return ">=" }
        return nil
    }
}
