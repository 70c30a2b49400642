import ArgumentParser
import Foundation
import HuntDB

/// `--since`, `--until`, `--host`: the same parser everywhere.
struct TimeRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only events at or after this time: ISO-8601 (2026-11-01, 2026-11-01T10:00, 2026-11-01T10:00:00Z; UTC unless an offset is given) or relative to now (7d, 12h, 30m).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events before this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only this host: its name, short name or host id (case-insensitive).", valueName: "name"))
    var host: String?

    func validate() throws {
        _ = try bounds()
    }

    /// `(since, until)` in UTC microseconds.
    func bounds() throws -> (Int64?, Int64?) {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        func parse(_ text: String?, _ flag: String) throws -> Int64? {
            guard let text else { return nil }
            guard let micros = TimeExpression.parseMicros(text, now: now) else {
                throw ValidationError("\(flag) \"\(text)\" is not a time: use ISO-8601 (2026-11-01, 2026-11-01T10:00, 2026-11-01T10:00:00Z) or a relative time (7d, 12h, 30m).")
            }
            return micros
        }
        let since = try parse(since, "--since")
        let until = try parse(until, "--until")
        if let since, let until, since >= until { throw ValidationError("--since must be before --until.") }
        return (since, until)
    }
}
