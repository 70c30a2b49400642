import Foundation

/// Unbuffered writes to a file descriptor (stderr).
struct FileHandleWriter {
    let fd: Int32
    static let stderr = FileHandleWriter(fd: 2)

    func write(_ string: String) {
        var text = string
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
