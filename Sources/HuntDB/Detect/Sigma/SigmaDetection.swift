import Yams

/// The `detection:` section: named searches and the condition that combines them.
public struct SigmaDetection: Sendable {
    /// The search identifiers in the order written.
    public var names: [String]
    public var searches: [String: SigmaSearch]
    /// One or more conditions (a list is OR-ed).
    public var conditions: [String]

    init(_ mapping: Node.Mapping, path: String) throws {
        var names: [String] = []
        var searches: [String: SigmaSearch] = [:]
        var conditions: [String] = []
        var timeframe = false
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw SigmaError(path: path, "detection has a key that is not text") }
            switch key {
            case "condition":
                if let sequence = value.sequence {
                    conditions = sequence.compactMap { $0.scalar?.string }
                } else if let condition = value.scalar?.string {
                    conditions = [condition]
                }
            case "timeframe":
                timeframe = true
            default:
                names.append(key)
                searches[key] = try SigmaSearch(value, name: key, path: path)
            }
        }
        guard !conditions.isEmpty, !conditions.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw SigmaError(path: path, "detection has no `condition`")
        }
        if timeframe { throw SigmaError(path: path, "uses `timeframe` (aggregations and correlations are not supported)") }
        self.names = names
        self.searches = searches
        self.conditions = conditions
    }
}

/// One search identifier's definition.
public indirect enum SigmaSearch: Sendable {
    /// A map: every field condition must hold (AND).
    case fields([SigmaFieldCondition])
    /// A list of maps: any one must hold (OR).
    case anyOf([SigmaSearch])
    /// A list of plain values: keywords searched in the whole event (OR).
    case keywords([SigmaScalar])

    init(_ node: Node, name: String, path: String) throws {
        if let mapping = node.mapping {
            var conditions: [SigmaFieldCondition] = []
            for (keyNode, value) in mapping {
                guard let key = keyNode.scalar?.string else { throw SigmaError(path: path, "\(name) has a key that is not text") }
                conditions.append(try SigmaFieldCondition(key: key, node: value, search: name, path: path))
            }
            self = .fields(conditions)
        } else if let sequence = node.sequence {
            if sequence.allSatisfy({ $0.mapping != nil }) {
                self = .anyOf(try sequence.map { try SigmaSearch($0, name: name, path: path) })
            } else if sequence.allSatisfy({ $0.scalar != nil }) {
                self = .keywords(sequence.compactMap(SigmaScalar.init))
            } else {
                throw SigmaError(path: path, "\(name) mixes maps and plain values in one list")
            }
        } else if let scalar = SigmaScalar(node) {
            self = .keywords([scalar])
        } else {
            throw SigmaError(path: path, "\(name) is neither a map, a list nor a value")
        }
    }
}

/// `Field|mod1|mod2: value(s)` of a map.
public struct SigmaFieldCondition: Sendable {
    public var field: String
    public var modifiers: [String]
    /// The values (a single value is a list of one).
    public var values: [SigmaScalar]

    init(key: String, node: Node, search: String, path: String) throws {
        var parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        field = parts.removeFirst()
        modifiers = parts
        if let sequence = node.sequence {
            values = try sequence.map { item in
                guard let scalar = SigmaScalar(item) else { throw SigmaError(path: path, "\(search): \(key) lists a value that is not plain (a map or a list)") }
                return scalar
            }
        } else if let scalar = SigmaScalar(node) {
            values = [scalar]
        } else {
            throw SigmaError(path: path, "\(search): the value of \(key) is a map; expected a value or a list of values")
        }
    }
}

/// One value as written: text (numbers and booleans keep their spelling) or null.
public enum SigmaScalar: Sendable, Equatable {
    case text(String)
    case null

    init?(_ node: Node) {
        guard let scalar = node.scalar else { return nil }
        if SigmaYAML.isNull(scalar) {
            self = .null
        } else {
            self = .text(scalar.string)
        }
    }
}
