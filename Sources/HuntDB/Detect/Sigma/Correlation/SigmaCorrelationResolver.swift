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
        let index = self.index
        if let cycle = cycle(from: position, index: index) {
            return .failure(SigmaUnsupported("its rule references form a cycle: \(cycle.joined(separator: " → "))"))
        }
        return resolve(position, index: index)
    }

    /// Resolves a correlation known to be free of cycles, and the correlations it references.
    private func resolve(_ position: Int, index: [String: Int]) -> Result<SigmaCompiledCorrelation, SigmaUnsupported> {
        guard let correlation = statuses[position].parsedCorrelation else { return .failure(SigmaUnsupported("not a correlation")) }
        var inputs: [SigmaCorrelationInput] = []
        for reference in correlation.rules {
            guard let found = index[reference] else {
                return .failure(SigmaUnsupported("references the unknown rule \(reference) (no rule given in this run has that id or name)"))
            }
            let status = statuses[found]
            if status.parsedCorrelation != nil {
                switch resolve(found, index: index) {
                case .success(let inner): inputs.append(.correlation(inner))
                case .failure(let problem):
                    return .failure(SigmaUnsupported("references the correlation \(reference) (\(status.path)), which is unsupported: \(problem.reason)"))
                }
                continue
            }
            guard let compiled = status.compiled else {
                return .failure(SigmaUnsupported("references the rule \(reference) (\(status.path)), which is unsupported: \(status.reason)"))
            }
            inputs.append(.rule(compiled))
        }
        do {
            let groups = try correlation.groupBy.map { name in try inputs.map { try column(name, in: $0, correlation: correlation, role: "group-by") } }
            let groupSQL = inputs.indices.map { input in groups.map { $0[input] } }
            let valueSQL = try correlation.condition.field.map { field in
                try inputs.map { try column(field, in: $0, correlation: correlation, role: "condition.field") }
            }
            return .success(SigmaCompiledCorrelation(correlation: correlation, inputs: inputs, groupSQL: groupSQL, valueSQL: valueSQL))
        } catch let problem as SigmaUnsupported {
            return .failure(problem)
        } catch {
            return .failure(SigmaUnsupported("\(error)"))
        }
    }

    /// The SQL of a group-by name (a field, or an alias naming a field per rule) for one input:
    /// over the event for a rule; for a referenced correlation, one of its own group-by names
    /// (its alert row's `gK`), since an alert has no other fields.
    private func column(_ name: String, in input: SigmaCorrelationInput, correlation: SigmaCorrelation, role: String) throws -> String {
        let field = try Self.field(name, in: input, correlation: correlation, role: role)
        switch input {
        case .rule(let base):
            let fields = SigmaFieldCompiler(kind: base.kind, context: compiler.context)
            do {
                return try fields.resolve(field).sql
            } catch let problem as SigmaUnsupported {
                throw SigmaUnsupported("\(role) \(name): the rule \(base.ruleID) cannot answer it (\(problem.reason))")
            }
        case .correlation(let inner):
            guard role == "group-by" else {
                throw SigmaUnsupported("\(role) \(name): the correlation \(inner.ruleID) has no field values (its alerts carry only its group-by fields)")
            }
            guard let position = inner.correlation.groupBy.firstIndex(of: field) else {
                throw SigmaUnsupported("\(role) \(name): the correlation \(inner.ruleID) does not group by \(field) (it groups by \(inner.correlation.groupBy.isEmpty ? "nothing" : inner.correlation.groupBy.joined(separator: ", ")))")
            }
            return "a.g\(position + 1)"
        }
    }

    /// The field a group-by or condition name means for one input: an alias's field for that
    /// input (by its name or id), else the name itself.
    static func field(_ name: String, in input: SigmaCorrelationInput, correlation: SigmaCorrelation, role: String) throws -> String {
        guard let alias = correlation.aliases[name] else { return name }
        let keys: [String]
        switch input {
        case .rule(let base): keys = [base.rule.name, base.rule.id, base.ruleID]
        case .correlation(let inner): keys = [inner.correlation.name, inner.correlation.id, inner.ruleID]
        }
        guard let mapped = keys.lazy.filter({ !$0.isEmpty }).compactMap({ alias[$0] }).first else {
            throw SigmaUnsupported("\(role) alias \(name) names no field for the rule \(keys.first { !$0.isEmpty } ?? input.ruleID)")
        }
        return mapped
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
