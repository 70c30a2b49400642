import Model

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemPwrite = Glibc.pwrite
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemPwrite = Darwin.pwrite
#endif

/// A destination for the bytes of an EVTX file, written sequentially; `overwrite` patches bytes
/// already written (the writer uses it once, to fill in the file header when it finishes).
public protocol EVTXByteOutput: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func overwrite(at offset: Int64, with bytes: UnsafeRawBufferPointer) throws
}

/// Writes to a file, creating or truncating it.
public final class EVTXFileOutput: EVTXByteOutput {
    private let fd: Int32
    private let path: String

    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw EVTXError("Cannot create \(path): \(String(cString: strerror(errno))).") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = systemWrite(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EVTXError("Writing \(path) failed: \(String(cString: strerror(errno))).") }
            done += n
        }
    }

    public func overwrite(at offset: Int64, with bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = systemPwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EVTXError("Writing \(path) failed: \(String(cString: strerror(errno))).") }
            done += n
        }
    }
}

/// Collects the written bytes in memory (tests, small files).
public final class EVTXMemoryOutput: EVTXByteOutput {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }

    public func overwrite(at offset: Int64, with bytes: UnsafeRawBufferPointer) throws {
        let start = Int(offset)
        guard start >= 0, start + bytes.count <= self.bytes.count else {
            throw EVTXError("Cannot overwrite bytes \(start)..<\(start + bytes.count) of a \(self.bytes.count)-byte output.")
        }
        self.bytes.replaceSubrange(start ..< start + bytes.count, with: bytes)
    }
}
