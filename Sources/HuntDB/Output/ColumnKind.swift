/// What a table column holds, which decides how it may be shortened to fit a terminal.
///
/// Times, ids, host names, addresses and numbers are pasted into the next command, so they are
/// never cut. Paths are cut in the middle, so the drive and the file name stay
/// (`C:\…\System32\cmd.exe`). Free text (command lines, messages) is cut at the end.
enum ColumnKind: Sendable, Equatable {
    /// A value read whole: time, id, host, address, number, rule id.
    case atomic
    /// A file path (or a `file:record` pointer).
    case path
    /// Free text.
    case text

    /// The kind of the column `name` from its name and sample values.
    static func classify(name: String, samples: [String]) -> ColumnKind {
        let lower = name.lowercased()
        let textNames = ["command_line", "description", "message", "notes", "excerpt", "reason", "detail", "sql", "help", "parameters", "name"]
        if textNames.contains(where: { lower == $0 || lower.hasSuffix("_" + $0) || lower.hasPrefix($0 + "_") }) { return .text }
        let pathNames = ["path", "executable", "image", "origin", "file"]
        if pathNames.contains(where: { lower == $0 || lower.hasSuffix("_" + $0) }) { return .path }
        let values = samples.filter { !$0.isEmpty }
        if !values.isEmpty, values.allSatisfy(looksLikePath) { return .path }
        if values.allSatisfy(looksAtomic) { return .atomic }
        return .text
    }

    /// A Windows or POSIX path, or a `path:record` pointer.
    static func looksLikePath(_ value: String) -> Bool {
        let scalars = Array(value.unicodeScalars.prefix(3))
        let drive = scalars.count == 3 && scalars[1] == ":" && scalars[2] == "\\"
        return drive || value.hasPrefix("\\\\") || value.hasPrefix("/") || value.hasPrefix("./") || value.hasPrefix("~/")
    }

    /// One word of at most 64 characters without path separators.
    static func looksAtomic(_ value: String) -> Bool {
        value.count <= 64 && !value.unicodeScalars.contains { $0 == " " || $0 == "\\" || $0 == "/" }
    }

    /// `text` in at most `width` characters, shortened the way this kind allows (atomic values
    /// are returned whole).
    func fit(_ text: String, width: Int) -> String {
        guard text.count > width, width > 0 else { return text }
        switch self {
        case .atomic:
            return text
        case .text:
            return String(text.prefix(width - 1)) + "…"
        case .path:
            // Keep the drive (or root) and as much of the end as fits: the file name first.
            let name = text.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? ""
            let root = Self.root(of: text)
            let head = root.count + 1 + name.count <= width ? root : ""
            let tail = max(width - head.count - 1, 0)
            return head + "…" + String(text.suffix(tail))
        }
    }

    /// `C:\`, `\\`, `/` or nothing.
    private static func root(of path: String) -> String {
        let scalars = Array(path.unicodeScalars.prefix(3))
        if scalars.count == 3, scalars[1] == ":", scalars[2] == "\\" { return String(path.prefix(3)) }
        if path.hasPrefix("\\\\") { return "\\\\" }
        if path.hasPrefix("/") { return "/" }
        return ""
    }
}
