import Foundation
import HuntDB
@testable import Store
import XCTest

/// Shared helpers of the hardening tests (crash safety per format, concurrency, hostile input,
/// environment faults): a background `hunt` process, store figures, corpora from `hunt generate`.
enum Harness {
    /// A `hunt` process running in the background, its stderr kept in a file.
    final class Background {
        let process = Process()
        let stderrURL: URL
        let started = Date()

        init(_ arguments: [String], in directory: TemporaryDirectory, name: String = UUID().uuidString) throws {
            stderrURL = directory.url.appendingPathComponent("stderr-\(name).txt")
            _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            process.executableURL = HuntProcess.executable
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env["HUNT_DB"] = nil
            process.environment = env
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        /// Waits for the end and returns the exit status (128 + n when killed by signal n).
        @discardableResult
        func wait() -> Int32 {
            process.waitUntilExit()
            return killedBySignal ? 128 + process.terminationStatus : process.terminationStatus
        }

        /// Whether a signal ended the process (rather than `exit`); valid after `wait()`.
        var killedBySignal: Bool { process.terminationReason == .uncaughtSignal }

        var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
        var seconds: Double { Date().timeIntervalSince(started) }
    }

    /// Writes a corpus with `hunt generate` (every event a process start or a connection).
    static func generate(_ dialect: String, events: Int, gzip: Bool = false, hosts: Int = 4, to path: String) throws {
        var arguments = ["generate", "--quiet", "--dialect", dialect, "--events", String(events), "--hosts", String(hosts), "--seed", "7", "-o", path]
        if gzip { arguments.append("--gzip") }
        let result = try HuntProcess.run(arguments)
        XCTAssertEqual(result.status, 0, "hunt generate --dialect \(dialect): \(result.stderr)")
    }

    /// Process starts plus connections stored.
    static func storedEvents(_ db: String) throws -> Int64 {
        try scalar(db, "SELECT (SELECT count(*) FROM processes) + (SELECT count(*) FROM network_connections)")
    }

    /// Distinct (host, record) identities stored: equals `storedEvents` when nothing is stored twice.
    static func distinctIdentities(_ db: String) throws -> Int64 {
        try scalar(db, """
            SELECT (SELECT count(*) FROM (SELECT DISTINCT host_id, record_key, ts_us, content_key FROM processes))
                 + (SELECT count(*) FROM (SELECT DISTINCT host_id, record_key, ts_us, content_key FROM network_connections))
            """)
    }

    /// The first column of the first row of `sql`, read through a read-only connection.
    static func scalar(_ db: String, _ sql: String) throws -> Int64 {
        let store = try SQLiteStore(path: db, access: .readOnly)
        return try store.database.scalarInt(sql, purpose: "a test figure") ?? -1
    }

    /// Rows of `sql` as text, columns joined by `|`.
    static func rows(_ db: String, _ sql: String) throws -> [String] {
        let store = try SQLiteStore(path: db, access: .readOnly)
        let statement = try store.database.prepare(sql, purpose: "a test query")
        var rows: [String] = []
        while try statement.step() {
            rows.append(statement.row().map { value -> String in
                switch value {
                case .null: return "NULL"
                case .integer(let v): return String(v)
                case .real(let v): return String(v)
                case .text(let v), .json(let v): return v
                case .blob(let v): return "blob(\(v.count))"
                }
            }.joined(separator: "|"))
        }
        return rows
    }

    /// `hunt check DB` succeeds (integrity, foreign keys, source counts agree with rows).
    static func assertSound(_ db: String, _ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) throws {
        let check = try HuntProcess.run(["check", db])
        XCTAssertEqual(check.status, 0, "\(context()): hunt check: \(check.stderr)", file: file, line: line)
    }

    /// Runs `hunt args…` under `/usr/bin/time` and returns the result and the peak resident set
    /// in MiB (nil when `/usr/bin/time` is missing; the command still runs).
    static func runMeasured(_ arguments: [String]) throws -> (HuntProcess.Result, peakMiB: Double?, seconds: Double) {
        let time = "/usr/bin/time"
        let started = Date()
        guard FileManager.default.isExecutableFile(atPath: time) else {
            let result = try HuntProcess.run(arguments)
            return (result, nil, Date().timeIntervalSince(started))
        }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("hunt-time-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: time)
        process.arguments = ["-f", "%M", "-o", report, HuntProcess.executable.path] + arguments
        let outURL = URL(fileURLWithPath: report + ".out"), errURL = URL(fileURLWithPath: report + ".err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        let out = try Data(contentsOf: outURL), err = try Data(contentsOf: errURL)
        let kib = (try String(contentsOfFile: report, encoding: .utf8)).split(separator: "\n").last.flatMap { Double($0) }
        let result = HuntProcess.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                                        stderr: String(decoding: err, as: UTF8.self), stdoutData: out)
        return (result, kib.map { $0 / 1024 }, seconds)
    }

    /// Whether this process runs as root (which ignores file permissions).
    static var isRoot: Bool { geteuid() == 0 }

    /// Runs a shell command line, returning its status and combined output.
    @discardableResult
    static func shell(_ command: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hunt-sh-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        process.standardOutput = try FileHandle(forWritingTo: url)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: url, encoding: .utf8)) ?? "")
    }

    /// Quotes `text` for /bin/sh.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
}

/// Appends bytes to a file in chunks, so large test inputs never sit in memory whole.
final class ChunkedFile {
    private let handle: FileHandle
    let path: String

    init(_ path: String) throws {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ text: String) throws { try handle.write(contentsOf: Data(text.utf8)) }
    func write(_ bytes: [UInt8]) throws { try handle.write(contentsOf: Data(bytes)) }

    /// Writes `count` copies of `byte`, a MiB at a time.
    func repeatByte(_ byte: UInt8, count: Int) throws {
        let chunk = Data(repeating: byte, count: 1 << 20)
        var left = count
        while left > 0 {
            let n = min(left, chunk.count)
            try handle.write(contentsOf: n == chunk.count ? chunk : chunk.prefix(n))
            left -= n
        }
    }

    func close() throws { try handle.close() }
}
