import Foundation
import Model

/// SHA-256 computed on its own thread, so hashing a large input does not slow its parsing.
///
/// The thread holds only the queue and the result, never the hasher itself, so releasing the
/// hasher closes the queue and waits for the thread: no hashing thread outlives its input (one
/// still running inside OpenSSL while the process exits would crash in OpenSSL's cleanup).
final class BackgroundHasher: @unchecked Sendable {
    private let chunks = BoundedQueue<[UInt8]>(capacity: 8)
    /// Hashed chunks come back to be filled again: no 1 MiB allocation per read, which cost the
    /// reading thread glibc's consolidation of all its small freed blocks each time.
    private let hashed = BoundedQueue<[UInt8]>(capacity: 2)
    /// Chunks taken back from `hashed`, used by the reading thread only.
    private var spare: [[UInt8]] = []
    private let done = DispatchSemaphore(value: 0)
    private let result = Result()
    private var finished = false

    private final class Result: @unchecked Sendable {
        var digest: [UInt8] = []
    }

    init() {
        let thread = Thread { [chunks, hashed, done, result] in
            var hasher = SHA256()
            while let chunk = chunks.pop() {
                chunk.withUnsafeBytes { hasher.update($0) }
                hashed.offer(chunk)
            }
            result.digest = hasher.finalize()
            done.signal()
        }
        thread.start()
    }

    /// Queues a copy of `bytes` to be hashed, in slices of at most 1 MiB: the queue then holds
    /// at most 8 MiB however large a read is (a read can fill a 64 MiB window).
    func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + (1 << 20))
            if spare.isEmpty { spare = hashed.takeAll() }
            var chunk = spare.popLast() ?? []
            chunk.removeAll(keepingCapacity: true)
            chunk.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            chunks.push(chunk)
            offset = end
        }
    }

    /// Waits for the queued bytes to be hashed and returns the digest in hex. Call once.
    func finishHex() -> String {
        if !finished {
            finished = true
            chunks.close()
            done.wait()
        }
        return result.digest.hexString
    }

    deinit {
        if !finished {
            chunks.close()
            done.wait()
        }
    }
}
