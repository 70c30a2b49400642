import Foundation

/// The id a Sigma rule or correlation goes by in alerts and `--rule`.
enum SigmaRuleIdentity {
    /// The Sigma `id` when it is a plain token, else the `name`, else the file name without
    /// `.yml` (with `_N` for the N-th document of a multi-document file, N > 1).
    static func ruleID(id: String, name: String, path: String, document: Int) -> String {
        for candidate in [id, name] {
            let token = candidate.trimmingCharacters(in: .whitespaces)
            if !token.isEmpty, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) { return token }
        }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.hasSuffix(".yml") ? String(file.dropLast(4)) : file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file
        let cleaned = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        let base = cleaned.isEmpty ? "sigma_rule" : cleaned
        return document > 1 ? "\(base)_\(document)" : base
    }
}
