import Foundation
import Model

/// The services.exe children that Elastic's "Remotely Started Services via RPC" rule never
/// alerts on (a subset of its exclusions: the ones the generator uses, matched the same way).
///
/// The generator uses it to tell benign children from *suspicious* ones (those the rule would
/// pair with a preceding RPC connection), so the planted ground truth stays exact.
enum ServiceAllowlist {
    /// Patterns over the lower-cased executable; `?` is the drive letter, `*` any run of characters.
    private static let patterns: [String] = [
        "?:\\program files\\*.exe",
        "?:\\program files (x86)\\*.exe",
        "?:\\windows\\psexesvc.exe",
        "?:\\windows\\servicing\\trustedinstaller.exe",
        "?:\\windows\\system32\\svchost.exe",
        "?:\\windows\\system32\\sppsvc.exe",
        "?:\\windows\\system32\\vssvc.exe",
        "?:\\windows\\system32\\wudfhost.exe",
        "?:\\windows\\system32\\taskhostex.exe",
        "?:\\windows\\system32\\upfc.exe",
        "?:\\windows\\system32\\srmhost.exe",
        "?:\\windows\\system32\\certsrv.exe",
    ]

    /// Whether a services.exe child with this executable and these arguments is allowlisted.
    static func contains(executable: String, args: [String]) -> Bool {
        let path = executable.lowercased()
        if path.hasSuffix(":\\windows\\system32\\msiexec.exe") || path.hasSuffix(":\\windows\\syswow64\\msiexec.exe") {
            return args.dropFirst().contains { $0.caseInsensitiveCompare("/V") == .orderedSame }
        }
        return patterns.contains { matches(Array(path.utf8)[...], Array($0.utf8)[...]) }
    }

    /// Whether `process` (a child of services.exe) is allowlisted.
    static func contains(_ process: SyntheticProcess) -> Bool {
        contains(executable: process.image, args: process.args)
    }

    private static func matches(_ text: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        guard let p = pattern.first else { return text.isEmpty }
        if p == UInt8(ascii: "*") {
            var rest = text
            while true {
                if matches(rest, pattern.dropFirst()) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let t = text.first else { return false }
        if p == UInt8(ascii: "?") || p == t { return matches(text.dropFirst(), pattern.dropFirst()) }
        return false
    }
}
