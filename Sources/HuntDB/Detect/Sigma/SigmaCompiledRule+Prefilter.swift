import Foundation

extension SigmaEventKind {
    /// The columns whose values repeat across events (images, command lines, parents, users;
    /// not ids, process ids, times or source ports): the distinct-values table of the kind.
    func repeatingColumns(stored: Set<String>?) -> [String] {
        let columns = self == .process
            ? ["executable", "command_line", "original_file_name", "description", "product", "company", "file_version",
               "working_directory", "user_name", "user_domain", "integrity_level", "hashes", "parent_executable",
               "parent_command_line", "parent_user"]
            : ["executable", "user_name", "user_domain", "transport", "direction", "source_ip", "source_hostname",
               "source_port_name", "destination_ip", "destination_port", "destination_hostname", "destination_port_name"]
        return columns.filter { stored?.contains($0) ?? true }
    }
}

extension SigmaCompiledRule {
    /// The stored columns the predicate reads (`e.name`), and whether it reads the host.
    var predicateColumns: (columns: Set<String>, host: Bool) {
        var columns: Set<String> = []
        let pattern = try! NSRegularExpression(pattern: #"\be\.([a-z_]+)"#)
        let range = NSRange(predicate.startIndex..., in: predicate)
        for match in pattern.matches(in: predicate, range: range) {
            if let name = Range(match.range(at: 1), in: predicate) { columns.insert(String(predicate[name])) }
        }
        return (columns, predicate.range(of: #"\bh\."#, options: .regularExpression) != nil)
    }

    /// The test on distinct values, when the predicate reads only repeating columns.
    func prefilter(storedColumns: Set<String>?) -> DistinctValuesPrefilter? {
        let keys = kind.repeatingColumns(stored: storedColumns)
        let used = predicateColumns
        guard !used.host, used.columns.isSubset(of: keys) else { return nil }
        return DistinctValuesPrefilter(table: kind.table, columns: keys,
                                       sql: "SELECT 1 FROM {values} AS e WHERE " + predicate + " LIMIT 1")
    }
}
