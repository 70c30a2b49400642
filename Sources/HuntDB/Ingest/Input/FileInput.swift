import Foundation
import Model
import Synchronization

/// Reads a file (or stdin) with plain `read(2)`, hashing the bytes as they pass (SHA-256 of the
/// file as stored) and counting them.
public final class FileInput: ByteInput {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let hasher: BackgroundHasher
    /// Bytes handed out so far (read by the reading thread, watched by the progress line).
    private let bytesCounter = Atomic<Int64>(0)
    public var bytesRead: Int64 { bytesCounter.load(ordering: .relaxed) }
    /// The file's size, nil for standard input and other streams.
    public private(set) var totalBytes: Int64?

    /// Opens `path`; `-` means standard input.
    /// - Throws: `IngestError` naming the path: missing, a directory, no permission.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            hasher = BackgroundHasher()
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw IngestError(path: path, "cannot open the file: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(opened)
            throw IngestError(path: path, "is a directory")
        }
        if (info.st_mode & S_IFMT) == S_IFREG { totalBytes = Int64(info.st_size) }
        fd = opened
        ownsDescriptor = true
        hasher = BackgroundHasher()  // only once the file is open: a failed open starts no thread
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError(path: path, "read error after \(bytesRead) bytes: \(String(cString: strerror(errno)))")
            }
            if n > 0 {
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                bytesCounter.add(Int64(n), ordering: .relaxed)
            }
            return n
        }
    }

    /// SHA-256 of everything read, in hex (the whole file once read to the end). Call once,
    /// after the last read.
    public func sha256Hex() -> String {
        hasher.finishHex()
    }
}
