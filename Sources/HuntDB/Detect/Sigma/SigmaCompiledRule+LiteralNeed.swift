extension SigmaCompiledRule {
    /// The texts every event the rule matches contains (`LiteralNeed`), derived from the same
    /// searches and conditions as the predicate, with the same patterns: a `not`, a negated or
    /// numeric field, a regex without a required text make that part `anything`, so the need
    /// is never stronger than the predicate.
    func literalNeed(storedColumns: Set<String>?) -> LiteralNeed {
        let fields = SigmaFieldCompiler(kind: kind, context: SigmaCompileContext(storedColumns: storedColumns.map { [kind: $0] }))
        var needs: [String: LiteralNeed] = [:]
        func search(_ name: String) -> LiteralNeed {
            if let known = needs[name] { return known }
            let need = rule.detection.searches[name].map { fields.literalNeed(of: $0) } ?? .anything
            needs[name] = need
            return need
        }
        func need(_ condition: SigmaCondition) -> LiteralNeed {
            switch condition {
            case .search(let name): return search(name)
            case .and(let terms): return .allOf(terms.map(need))
            case .or(let terms): return .anyOf(terms.map(need))
            case .not: return .anything
            case .atLeast(nil, let names): return .allOf(names.map(search))
            // At least one of them holds, whatever the count.
            case .atLeast(_, let names): return .anyOf(names.map(search))
            }
        }
        var conditions: [LiteralNeed] = []
        for text in rule.detection.conditions {
            guard let parsed = try? SigmaCondition.parse(text, searches: rule.detection.names) else { return .anything }
            conditions.append(need(parsed))
        }
        return .anyOf(conditions)
    }
}

extension SigmaFieldCompiler {
    /// A search's need: a map's conditions all hold, one of a list's maps holds; keywords
    /// (searched in every field) give none.
    func literalNeed(of search: SigmaSearch) -> LiteralNeed {
        switch search {
        case .fields(let conditions): return .allOf(conditions.map(literalNeed(of:)))
        case .anyOf(let searches): return .anyOf(searches.map(literalNeed(of:)))
        case .keywords: return .anything
        }
    }

    /// One `Field|modifiers: values` condition's need, on plain text columns only.
    func literalNeed(of condition: SigmaFieldCondition) -> LiteralNeed {
        guard !condition.field.isEmpty, let modifiers = try? SigmaModifiers(condition.modifiers),
              let column = try? resolve(condition.field), !column.isInteger, column.columns.count == 1,
              column.sql == "e.\(column.columns[0])" else { return .anything }
        let name = column.columns[0]
        for modifier in ["neq", "exists", "fieldref", "cidr", "expand"] where modifiers.has(modifier) { return .anything }
        if modifiers.comparison != nil { return .anything }
        let perValue: [LiteralNeed] = condition.values.map { value in
            guard case .text(let raw) = value else { return .anything }
            if modifiers.has("re") {
                // The compiled predicate tests this text (instr, or LIKE when ASCII case is
                // ignored) before the regex; the screen ignores ASCII case either way.
                let flags = ["i", "m", "s"].filter(modifiers.has).joined()
                guard let literal = SigmaRegexLiteral.required(in: raw, caseInsensitive: flags.contains("i")) else { return .anything }
                return .allOf(literal.parts.map { .contains(column: name, text: Array($0.utf8), folded: false) })
            }
            guard let (patterns, cased) = try? patterns(for: raw, field: condition.field, modifiers: modifiers) else { return .anything }
            return .anyOf(patterns.map { pattern in
                // Beyond ASCII the predicate compares hunt_fold(value) with the folded pattern.
                let folded = !cased && !pattern.foldsLikeSQLite
                guard let run = (folded ? pattern.folded : pattern).longestLiteralRun else { return .anything }
                return .contains(column: name, text: run, folded: folded)
            })
        }
        return modifiers.matchAll ? .allOf(perValue) : .anyOf(perValue)
    }
}

extension SigmaPattern {
    /// The longest run of plain characters between wildcards, as UTF-8; nil when there is none.
    var longestLiteralRun: [UInt8]? {
        var best: [UInt8] = []
        var current: [UInt8] = []
        for token in tokens + [.anyRun] {
            if case .character(let character) = token {
                current += Array(String(character).utf8)
            } else {
                if current.count > best.count { best = current }
                current = []
            }
        }
        return best.isEmpty ? nil : best
    }
}
