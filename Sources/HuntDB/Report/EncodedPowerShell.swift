import Foundation
import Model

/// Decodes the script of a PowerShell command line that passes it base64-encoded
/// (`powershell -enc SQBFAFgA…`), as attackers' launchers and PsExec-style tools do.
///
/// PowerShell accepts any unambiguous prefix of `-EncodedCommand` (`-e`, `-en`, `-enc`, `-ec`
/// too), with `-` or `/`, in any case; the value is base64 of UTF-16LE text.
///
/// ```swift
/// EncodedPowerShell.decode("powershell.exe -nop -enc dwBoAG8AYQBtAGkA")   // "whoami"
/// ```
public enum EncodedPowerShell {
    /// The decoded script, or nil when the command line is not PowerShell with an encoded
    /// command, or the value is not base64 of UTF-16LE text.
    public static func decode(_ commandLine: String) -> String? {
        let args = CommandLineSplitter.split(commandLine)
        guard let program = args.first, isPowerShell(program) else { return nil }
        for (index, arg) in args.enumerated().dropFirst() where index + 1 < args.count && isEncodedCommandSwitch(arg) {
            return decodeValue(args[index + 1])
        }
        return nil
    }

    static func isPowerShell(_ program: String) -> Bool {
        let name = program.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init)?.lowercased() ?? ""
        return ["powershell", "powershell.exe", "pwsh", "pwsh.exe"].contains(name)
    }

    /// `-e`, `-en` … `-encodedcommand`, and `-ec`, with `-`, `/` or `--`.
    static func isEncodedCommandSwitch(_ arg: String) -> Bool {
        var name = arg.lowercased()
        guard let first = name.first, first == "-" || first == "/" || first == "\u{2013}" else { return false }
        while let first = name.first, first == "-" || first == "/" || first == "\u{2013}" { name.removeFirst() }
        return name == "ec" || (!name.isEmpty && "encodedcommand".hasPrefix(name))
    }

    /// Base64 (padding optional) of UTF-16LE text; nil when it is not, or when the text holds
    /// control characters a script would not (then it was not an encoded command after all).
    static func decodeValue(_ value: String) -> String? {
        var text = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), data.count >= 2, data.count % 2 == 0 else { return nil }
        let units = stride(from: data.startIndex, to: data.endIndex, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
        let decoded = String(decoding: units, as: UTF16.self)
        let isScriptText = decoded.unicodeScalars.allSatisfy { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return isScriptText ? decoded : nil
    }
}
