import Foundation
import HuntDB

/// A one-line progress display on stderr, redrawn at most five times a second (TTY only).
final class ProgressLine {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ progress: LoadProgress) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let rate = progress.elapsed > 0 ? Int(Double(progress.counts.read) / progress.elapsed) : 0
        let name = (progress.path as NSString).lastPathComponent
        FileHandleWriter.stderr.write("\r\u{1B}[K[\(progress.sourceIndex + 1)/\(progress.sourceCount)] \(name): \(progress.counts.read) records, \(progress.counts.loaded) loaded, \(rate)/s")
        drawn = true
    }

    /// Shows a one-off status (e.g. index building).
    func message(_ text: String) {
        guard enabled else { return }
        FileHandleWriter.stderr.write("\r\u{1B}[K" + text)
        drawn = true
    }

    func clear() {
        if drawn { FileHandleWriter.stderr.write("\r\u{1B}[K") }
        drawn = false
    }
}
