import Foundation

/// Resolves the correlations of a rule set against its rules (by `id` or `name`, across every
/// file given in one run) and compiles them, or says why one cannot run: an unknown reference,
/// a cycle, a referenced rule that is unsupported, a group-by or condition field a referenced
/// rule cannot answer.
struct SigmaCorrelationResolver {
    let statuses: [SigmaRuleStatus]
    let compiler: SigmaCompiler

    /// Every rule and correlation by its id and by its name.
    private var index: [String: Int] {
        var found: [String: Int] = [:]
        for (position, status) in statuses.enumerated() {
            for key in status.referenceKeys where found[key] == nil { found[key] = position }
        }
        return found
    }

    func resolve(_ position: Int) -> Result<SigmaCompiledCorrelation, SigmaUnsupported> {
        guard let correlation = statuses[position].parsedCorrelation else { return .failure(SigmaUnsupported("not a correlation")) }
        let index = self.index
        if let cycle = cycle(from: position, index: index) {
            return .failure(SigmaUnsupported("its rule references form a cycle: \(cycle.joined(separator: " → "))"))
        }
        var bases: [SigmaCompiledRule] = []
        for reference in correlation.rules {
            guard let found = index[reference] else {
                return .failure(SigmaUnsupported("references the unknown rule \(reference) (no rule given in this run has that id or name)"))
            }
            let status = statuses[found]
            if status.parsedCorrelation != nil {
                return .failure(SigmaUnsupported("references the correlation \(reference); correlations of correlations are not supported yet"))
            }
            guard let compiled = status.compiled else {
                return .failure(SigmaUnsupported("references the rule \(reference) (\(status.path)), which is unsupported: \(status.reason)"))
            }
            bases.append(compiled)
        }
        do {
            let groups = try correlation.groupBy.map { name in try bases.map { try column(name, in: $0, correlation: correlation, role: "group-by") } }
            let groupSQL = bases.indices.map { base in groups.map { $0[base] } }
            let valueSQL = try correlation.condition.field.map { field in
                try bases.map { try column(field, in: $0, correlation: correlation, role: "condition.field") }
            }
            return .success(SigmaCompiledCorrelation(correlation: correlation, bases: bases, groupSQL: groupSQL, valueSQL: valueSQL))
        } catch let problem as SigmaUnsupported {
            return .failure(problem)
        } catch {
            return .failure(SigmaUnsupported("\(error)"))
        }
    }

    /// The SQL of a group-by name (a field, or an alias naming a field per rule) for one rule.
    private func column(_ name: String, in base: SigmaCompiledRule, correlation: SigmaCorrelation, role: String) throws -> String {
        var field = name
        if let alias = correlation.aliases[name] {
            guard let mapped = alias[base.rule.name] ?? alias[base.rule.id] ?? alias[base.ruleID] else {
                throw SigmaUnsupported("\(role) alias \(name) names no field for the rule \(base.rule.name.isEmpty ? base.ruleID : base.rule.name)")
            }
            field = mapped
        }
        let fields = SigmaFieldCompiler(kind: base.kind, context: compiler.context)
        do {
            return try fields.resolve(field).sql
        } catch let problem as SigmaUnsupported {
            throw SigmaUnsupported("\(role) \(name): the rule \(base.ruleID) cannot answer it (\(problem.reason))")
        }
    }

    /// The first cycle of correlation references reachable from `start`, as names.
    private func cycle(from start: Int, index: [String: Int]) -> [String]? {
        var path: [Int] = []
        func visit(_ node: Int) -> [String]? {
            if let at = path.firstIndex(of: node) {
                return (path[at...] + [node]).map { statuses[$0].displayName }
            }
            guard let correlation = statuses[node].parsedCorrelation else { return nil }
            path.append(node)
            defer { path.removeLast() }
            for reference in correlation.rules {
                if let next = index[reference], let found = visit(next) { return found }
            }
            return nil
        }
        return visit(start)
    }
}
