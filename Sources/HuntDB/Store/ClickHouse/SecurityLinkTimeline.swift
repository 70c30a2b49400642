import Model

/// A host's starts, exits and boots as one linking pass sees them: every one from the pass's
/// first time on, and before it only the last of each (per pid for starts and exits).
/// Answers what `SyntheticEntity.resolve` needs for a reference at or after that time.
struct SecurityLinkTimeline {
    /// The last start and exit per pid and the last boot before a time.
    struct Before {
        var starts: [Int64: Int64] = [:]
        var exits: [Int64: Int64] = [:]
        var boot: Int64?
    }

    private var starts: [Int64: [(ts: Int64, eventID: Int64)]] = [:]
    private var exits: [Int64: [Int64]] = [:]
    private var boots: [Int64] = []
    private let before: Before

    /// The window's events must be in time order (as `ClickHouseLinkReader.window` reads them).
    init(window: ClickHouseLinkReader.Window, before: Before) {
        self.before = before
        for start in window.starts { if let pid = start.pid { starts[pid, default: []].append((start.ts, start.eventID)) } }
        for exit in window.exits { if let pid = exit.pid { exits[pid, default: []].append(exit.ts) } }
        boots = window.boots
    }

    /// The pid's latest start at or before `ts`, other than the event `excluding` (a 4688's own).
    func lastStart(pid: Int64, at ts: Int64, excluding eventID: Int64?) -> Int64? {
        starts[pid]?.last(where: { $0.ts <= ts && $0.eventID != eventID })?.ts ?? before.starts[pid]
    }

    /// The pid's latest exit strictly before `ts`.
    func lastExit(pid: Int64, before ts: Int64) -> Int64? {
        exits[pid]?.last(where: { $0 < ts }) ?? before.exits[pid]
    }

    /// The host's latest boot at or before `ts`.
    func lastBoot(at ts: Int64) -> Int64? {
        boots.last(where: { $0 <= ts }) ?? before.boot
    }
}
