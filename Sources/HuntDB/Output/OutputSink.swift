import Foundation
import Model

/// A buffered byte sink: standard output or a file. Rows stream through it; memory stays flat.
public final class OutputSink {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    public let path: String?

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(fd: 1, owns: false, path: nil) }

    /// Creates or truncates `path`.
    /// - Throws: `OutputError` naming the path when it cannot be created.
    public static func file(_ path: String) throws -> OutputSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("cannot write \(path): \(String(cString: strerror(errno)))") }
        return OutputSink(fd: fd, owns: true, path: path)
    }

    private init(fd: Int32, owns: Bool, path: String?) {
        self.fd = fd
        self.ownsDescriptor = owns
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    /// Whether this sink is a terminal.
    public var isTerminal: Bool { isatty(fd) == 1 }

    /// The width of the terminal this sink writes to, in columns; nil when it is not a
    /// terminal. A terminal that reports no size counts as `$COLUMNS` wide, else 80.
    public var terminalWidth: Int? {
        guard isTerminal else { return nil }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes UTF-8 bytes as they are.
    public func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw OutputError("cannot write \(path ?? "standard output"): \(reason)")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A failure writing output.
public struct OutputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
