import Foundation
import Store

/// `--placeholder NAME=FILE|VALUES`: the values of `%NAME%` for `|expand`, from a file (one
/// value a line; blank lines and `#` comments skipped) or a comma-separated list.
public enum SigmaPlaceholders {
    /// - Throws: `SigmaError` for a malformed option or an unreadable file.
    public static func parse(_ specs: [String]) throws -> [String: [String]] {
        var values: [String: [String]] = [:]
        for spec in specs {
            guard let equals = spec.firstIndex(of: "="), equals != spec.startIndex else {
                throw SigmaError(path: "--placeholder \(spec)", "expected NAME=FILE or NAME=value1,value2")
            }
            let name = String(spec[..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: "% "))
            let rest = String(spec[spec.index(after: equals)...])
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: rest, isDirectory: &isDirectory), !isDirectory.boolValue {
                let text: String
                do {
                    text = try String(contentsOfFile: rest, encoding: .utf8)
                } catch {
                    throw SigmaError(path: rest, "cannot be read for --placeholder \(name): \(error.localizedDescription)")
                }
                values[name, default: []] += text.split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            } else {
                values[name, default: []] += rest.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
        }
        return values
    }
}

/// Sigma's levels in order, for `--min-level`.
public enum SigmaLevel {
    public static let ordered = ["informational", "low", "medium", "high", "critical"]

    /// The rank of a level (unknown levels rank as medium).
    public static func rank(_ level: String) -> Int {
        ordered.firstIndex(of: level.lowercased()) ?? 2
    }
}

extension SigmaCompileContext {
    /// The columns `store` holds for each event kind, so that a field the database does not
    /// have yet makes its rules unsupported by name instead of failing the query.
    public static func storedColumns(in store: any EventStore) throws -> [SigmaEventKind: Set<String>] {
        let entries = try store.schemaEntries()
        var columns: [SigmaEventKind: Set<String>] = [:]
        for kind in [SigmaEventKind.process, .network] {
            columns[kind] = Set(entries.filter { $0.object == kind.table }.compactMap(\.column))
        }
        return columns
    }
}
