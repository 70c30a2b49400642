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
    /// The stored columns the predicate reads (`e.name`), and whether it reads the host (`h.`).
    var predicateColumns: (columns: Set<String>, host: Bool) {
        var columns: Set<String> = []
        var host = false
        let text = Array(predicate.utf8)
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 95
        }
        var index = 0
        while index + 1 < text.count {
            let alias = text[index]
            if (alias == UInt8(ascii: "e") || alias == UInt8(ascii: "h")), text[index + 1] == UInt8(ascii: "."),
               index == 0 || !isWord(text[index - 1]) {
                if alias == UInt8(ascii: "h") { host = true }
                var end = index + 2
                while end < text.count, (text[end] >= 97 && text[end] <= 122) || text[end] == 95 { end += 1 }
                if alias == UInt8(ascii: "e"), end > index + 2 { columns.insert(String(decoding: text[(index + 2)..<end], as: UTF8.self)) }
                index = end
            } else {
                index += 1
            }
        }
        return (columns, host)
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
