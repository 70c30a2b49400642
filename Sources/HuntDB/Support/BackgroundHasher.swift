import Foundation

/// SHA-256 computed on its own thread, so hashing a large input does not slow its parsing.
final class BackgroundHasher: @unchecked Sendable {
    private let chunks = BoundedQueue<[UInt8]>(capacity: 8)
    private let done = DispatchSemaphore(value: 0)
    private var digest: [UInt8] = []
    private var finished = false

    init() {
        let thread = Thread { [chunks, done] in
            var hasher = SHA256()
            while let chunk = chunks.pop() {
                chunk.withUnsafeBytes { hasher.update($0) }
            }
            self.digest = hasher.finalize()
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
            chunks.push(Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])))
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
        return digest.hexString
    }

    deinit {
        if !finished {
            chunks.close()
            done.wait()
        }
    }
}
