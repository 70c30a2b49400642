import Foundation
import XCTest

/// A real browser for tests of `hunt report`: Chromium headless dumps the DOM after the page's
/// scripts ran and takes screenshots. Tests skip (with the reason) only when no Chromium is
/// installed; `.ci/run` installs Debian's `chromium`.
struct HeadlessChromium {
    let executable: String
    let profile: TemporaryDirectory

    /// The first of chromium, chromium-browser, google-chrome on PATH.
    static func find() throws -> HeadlessChromium {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) {
                    return HeadlessChromium(executable: candidate, profile: try TemporaryDirectory())
                }
            }
        }
        throw XCTSkip("no Chromium on PATH (chromium, chromium-browser or google-chrome): install Debian's chromium; .ci/run does")
    }

    /// The DOM of `file` after its scripts ran, as HTML.
    func dumpDOM(_ file: String) throws -> String {
        String(decoding: try run(["--dump-dom", URL(fileURLWithPath: file).absoluteString]), as: UTF8.self)
    }

    /// A PNG screenshot of `file` (with `fragment`, scrolled there) at `width`×`height`.
    func screenshot(_ file: String, to png: String, fragment: String = "", width: Int = 1280, height: Int = 1600) throws -> Data {
        _ = try run(["--screenshot=\(png)", "--window-size=\(width),\(height)", URL(fileURLWithPath: file).absoluteString + fragment])
        return try Data(contentsOf: URL(fileURLWithPath: png))
    }

    private func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile.path("profile"))"] + arguments
        let output = profile.url.appendingPathComponent("stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            XCTFail("chromium did not finish within 120 s: \(arguments)")
        }
        process.waitUntilExit()
        try handle.close()
        return try Data(contentsOf: output)
    }
}
