import Foundation
import XCTest

/// Runs `hunt` in a real pseudo-terminal of a given width, through util-linux `script`, the
/// way an analyst sees it (standard output is a terminal, so tables fit its width).
enum TerminalRun {
    /// Standard output and error as the terminal showed them (lines end in `\n`).
    static func run(_ arguments: [String], columns: Int, keepStandardError: Bool = false,
                    file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux `script` is not installed: it runs hunt in a pseudo-terminal")
        }
        let quoted = ([HuntProcess.executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let errors = keepStandardError ? "" : " 2>/dev/null"
        process.arguments = ["-qec", "stty cols \(columns) rows 60; exec \(quoted.joined(separator: " "))\(errors)", "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["HUNT_DB"] = nil
        environment["COLUMNS"] = nil
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hunt-tty-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return String(decoding: try Data(contentsOf: output), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
