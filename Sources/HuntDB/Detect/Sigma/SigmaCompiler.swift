import Model

/// A Sigma rule compiled for the store: the WHERE predicate over one event row `e` (and its
/// host `h`) with its bound values.
public struct SigmaCompiledRule: Sendable {
    public let rule: SigmaRule
    public let kind: SigmaEventKind
    /// The predicate; rule values appear only as `:sN` parameters.
    public let predicate: String
    public let bindings: [(name: String, value: RowValue)]
    /// The dialect of `predicate`.
    public var dialect: SigmaDialect = .sqlite
    /// What the rule was compiled with (to compile it again for another dialect).
    var context = SigmaCompileContext()
}

/// Turns a parsed rule into SQL, or says why it cannot run here.
public struct SigmaCompiler: Sendable {
    public let context: SigmaCompileContext

    public init(context: SigmaCompileContext = SigmaCompileContext()) {
        self.context = context
    }

    /// - Throws: `SigmaUnsupported` with the reason (log source, field, modifier, placeholder,
    ///   invalid regular expression, condition syntax).
    public func compile(_ rule: SigmaRule, dialect: SigmaDialect = .sqlite) throws -> SigmaCompiledRule {
        let kind: SigmaEventKind
        switch SigmaEventKind.of(rule.logSource) {
        case .success(let found): kind = found
        case .failure(let reason): throw reason
        }
        let fields = SigmaFieldCompiler(kind: kind, context: context, dialect: dialect)
        var sql = SigmaSQL()
        // Only the searches a condition uses are compiled (a field we do not store in an unused
        // search does not make the rule unsupported).
        var conditions: [SigmaCondition] = []
        for text in rule.detection.conditions {
            do {
                conditions.append(try SigmaCondition.parse(text, searches: rule.detection.names))
            } catch let error as SigmaConditionError {
                throw SigmaUnsupported("condition: \(error.description)")
            }
        }
        var compiled: [String: String] = [:]
        func search(_ name: String) throws -> String {
            if let done = compiled[name] { return done }
            let predicate = try compileSearch(rule.detection.searches[name]!, fields: fields, into: &sql)
            compiled[name] = predicate
            return predicate
        }
        func render(_ condition: SigmaCondition) throws -> String {
            switch condition {
            case .search(let name): return try search(name)
            case .and(let terms): return sqlJoin(try terms.map(render), "AND")
            case .or(let terms): return sqlJoin(try terms.map(render), "OR")
            case .not(let inner): return "NOT \(try render(inner))"
            case .atLeast(nil, let names): return sqlJoin(try names.map(search), "AND")
            case .atLeast(1, let names): return sqlJoin(try names.map(search), "OR")
            case .atLeast(let count?, let names):
                // Each predicate is 0 or 1: count them.
                let sum = try names.map(search).joined(separator: ") + (")
                return "(((" + sum + ")) >= \(count))"
            }
        }
        let predicate = sqlJoin(try conditions.map(render), "OR")
        return SigmaCompiledRule(rule: rule, kind: kind, predicate: predicate, bindings: sql.bindings, dialect: dialect, context: context)
    }

    private func compileSearch(_ search: SigmaSearch, fields: SigmaFieldCompiler, into sql: inout SigmaSQL) throws -> String {
        switch search {
        case .fields(let conditions):
            return sqlJoin(try conditions.map { try fields.compile($0, into: &sql) }, "AND")
        case .anyOf(let searches):
            return sqlJoin(try searches.map { try compileSearch($0, fields: fields, into: &sql) }, "OR")
        case .keywords(let values):
            return try fields.keywords(values, all: false, into: &sql)
        }
    }
}
