/// A service's image path and a process's command line or executable reduced to one text, so
/// that two spellings Windows runs the same way compare equal: `%COMSPEC% /C start /b x` and
/// `C:\windows\system32\cmd.exe /C start /b x`, `"C:\Program Files\a\b.exe"` and
/// `C:\Program Files\A\b.exe`, `\SystemRoot\System32\drivers\x.sys` and
/// `C:\Windows\System32\drivers\x.sys`.
///
/// The key: the usual environment variables expanded with Windows' defaults (`%COMSPEC%`,
/// `%SystemRoot%`, `%windir%`, `%SystemDrive%`, `%ProgramFiles%`, `%ProgramFiles(x86)%`,
/// `%ProgramData%`, `%ALLUSERSPROFILE%`, `%CommonProgramFiles%`; any case, also Sysmon's doubled
/// `%%NAME%%`; unknown ones kept), the NT prefixes `\??\` and `\SystemRoot\` (and a leading
/// `System32\`, how driver paths are written) resolved, quotes around the executable dropped,
/// runs of spaces made one, and everything lower case (ASCII; Windows paths compare
/// case-insensitively). A host whose Windows is not in `C:\Windows` is compared as if it were.
public enum WindowsCommandKey {
    public static func key(_ text: String) -> String {
        var s = expandVariables(text.replacingDoubledPercent())
        s = lowercasedASCII(s)
        s = trimmed(s)
        if s.hasPrefix("\\??\\") { s.removeFirst(4) }
        if s.hasPrefix("\\systemroot\\") { s = "c:\\windows\\" + s.dropFirst("\\systemroot\\".count) }
        else if s.hasPrefix("system32\\") { s = "c:\\windows\\" + s }
        if s.hasPrefix("\"") {
            let body = s.dropFirst()
            if let close = body.firstIndex(of: "\"") {
                let executable = body[..<close]
                let rest = trimmed(String(body[body.index(after: close)...]))
                s = rest.isEmpty ? String(executable) : String(executable) + " " + rest
            }
        }
        return collapsingSpaces(s)
    }

    private static let variables: [String: String] = [
        "comspec": "c:\\windows\\system32\\cmd.exe",
        "systemroot": "c:\\windows",
        "windir": "c:\\windows",
        "systemdrive": "c:",
        "programfiles": "c:\\program files",
        "programfiles(x86)": "c:\\program files (x86)",
        "programw6432": "c:\\program files",
        "programdata": "c:\\programdata",
        "allusersprofile": "c:\\programdata",
        "commonprogramfiles": "c:\\program files\\common files",
        "commonprogramfiles(x86)": "c:\\program files (x86)\\common files",
    ]

    /// Replaces `%NAME%` of the known variables; an unknown or unclosed `%` stays as written.
    private static func expandVariables(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "%") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "%") else { rest = rest[open...]; break }
            let name = String(after[..<close])
            if let value = variables[lowercasedASCII(name)] {
                result += value
                rest = after[after.index(after: close)...]
            } else {
                result += "%"
                rest = after
            }
        }
        return result + rest
    }

    private static func lowercasedASCII(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }

    private static func collapsingSpaces(_ text: String) -> String {
        guard text.contains("  ") || text.contains("\t") else { return text }
        var result = ""
        var lastWasSpace = false
        for c in text {
            let isSpace = c == " " || c == "\t"
            if isSpace, lastWasSpace { continue }
            result.append(isSpace ? " " : c)
            lastWasSpace = isSpace
        }
        return result
    }
}

private extension String {
    /// Sysmon renders `%` as `%%` in registry values (`%%COMSPEC%%`).
    func replacingDoubledPercent() -> String {
        guard contains("%%") else { return self }
        var result = ""
        var previousWasPercent = false
        for c in self {
            if c == "%", previousWasPercent { previousWasPercent = false; continue }
            previousWasPercent = c == "%"
            result.append(c)
        }
        return result
    }
}
