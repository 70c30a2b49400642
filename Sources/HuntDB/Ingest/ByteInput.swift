import Model

/// A sequential source of bytes: a file, stdin, or a decompressing wrapper around either.
public protocol ByteInput: AnyObject {
    /// Fills the start of `buffer` and returns how many bytes were written; 0 means end of input.
    /// - Throws: `IngestError` when the input cannot be read (I/O error, corrupt gzip stream).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
