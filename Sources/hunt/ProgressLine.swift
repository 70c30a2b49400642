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
        let c = progress.counts
        // Duplicates and rejects are shown as they come: a file of only duplicates is busy, not stuck.
        var line = "[\(progress.sourceIndex + 1)/\(progress.sourceCount)] \(name): "
        if let total = progress.totalBytes, total > 0 {
            let done = Double(min(progress.bytesRead, total)) / Double(total)
            line += "\(Self.size(progress.bytesRead))/\(Self.size(total)) \(Int(done * 100))%"
            if done > 0.01, progress.elapsed > 1 { line += ", ETA \(Self.duration(progress.elapsed * (1 - done) / done))" }
            line += " · "
        }
        line += "read \(c.read): \(c.loaded) loaded, \(c.duplicates) duplicate\(c.duplicates == 1 ? "" : "s")"
        if c.rejected > 0 { line += ", \(c.rejected) rejected" }
        line += ", \(rate) records/s"
        // Several files: the whole load too, by bytes of all files.
        if progress.sourceCount > 1, let all = progress.allTotalBytes, all > 0 {
            let done = Double(min(progress.allBytesRead, all)) / Double(all)
            line += " · all \(Int(done * 100))%"
            if done > 0.01, progress.allElapsed > 1 { line += ", ETA \(Self.duration(progress.allElapsed * (1 - done) / done))" }
        }
        FileHandleWriter.stderr.write("\r\u{1B}[K" + line)
        drawn = true
    }

    /// `512.0 KiB`, `3.2 MiB`, `1.1 GiB`.
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `45s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// Shows the index rebuild as `n/N` (`total` is asked for once, before the first index).
    func index(_ name: String, total: () -> Int) {
        guard enabled else { return }
        if indexTotal == nil { indexTotal = max(total(), 1) }
        indexCount += 1
        message("rebuilding index \(indexCount)/\(max(indexTotal ?? indexCount, indexCount)): \(name)…")
    }
    private var indexTotal: Int?
    private var indexCount = 0

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
